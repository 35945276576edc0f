"use client";

import { useRouter } from "next/navigation";
import type { ActionResult } from "../ui/action-result";
import { ConfirmButton } from "../ui/confirm-button";

export function DeleteModelButton({ id, name, action }: { id: string; name: string; action: (id: string) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Delete"
      title={`Delete ${name}?`}
      body="All its versions go. A model that a project version uses cannot be deleted."
      confirmLabel="Delete"
      onConfirm={async () => {
        const r = await action(id);
        if (!r.ok) return { error: r.error };
        router.push("/models");
      }}
    />
  );
}
