"use client";

import { useRouter } from "next/navigation";
import type { ActionResult } from "../ui/action-result";
import { ConfirmButton } from "../ui/confirm-button";

/** Removes a person from the gallery after a confirmation; devices keep the old gallery until the next deployment. */
export function PersonRemoveButton({ name, action }: { name: string; action: (name: string) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove ${name}?`}
      body="Their photos leave the gallery. Devices keep the gallery they were deployed with until the next deployment."
      confirmLabel="Remove"
      testId={`person-remove-${name}`}
      onConfirm={async () => {
        const r = await action(name);
        if (!r.ok) return { error: r.error };
        router.refresh();
      }}
    />
  );
}
