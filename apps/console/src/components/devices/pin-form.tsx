"use client";

import { useActionState } from "react";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { TextInput } from "../ui/form-field";

/** Pin (optionally to `project@version`) or unpin one device. */
export function PinForm({ deviceId, pinned, pin, unpin }: { deviceId: string; pinned: boolean; pin: ActionFn<null>; unpin: ActionFn<null> }) {
  const [state, formAction, pending] = useActionState(pinned ? unpin : pin, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2" data-testid="pin-form">
      <input type="hidden" name="deviceId" value={deviceId} />
      {pinned ? null : <TextInput name="target" placeholder="project@version (optional)" aria-label="pin to project@version" className="w-56" />}
      <button type="submit" className={buttonClasses("secondary")} disabled={pending} data-testid={pinned ? "unpin" : "pin"}>
        {pinned ? "Unpin" : "Pin"}
      </button>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
    </form>
  );
}
