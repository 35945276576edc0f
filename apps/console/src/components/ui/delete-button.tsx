"use client";

import { useRouter } from "next/navigation";
import type { ActionResult } from "./action-result";
import { ConfirmButton } from "./confirm-button";

/** Delete with a confirmation; on success go back to the list the thing was in. */
export function DeleteButton({ id, title, body, listHref, action }: { id: string; title: string; body: string; listHref: string; action: (id: string) => Promise<ActionResult<null>> }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Delete"
      title={title}
      body={body}
      confirmLabel="Delete"
      testId="delete"
      onConfirm={async () => {
        const r = await action(id);
        if (!r.ok) return { error: r.error };
        router.push(listHref);
        router.refresh();
      }}
    />
  );
}
