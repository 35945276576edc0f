"use client";

import { useActionState, type ReactNode } from "react";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { TextInput } from "../ui/form-field";

/**
 * Sets and removes tags. On the device list it wraps the table, whose checkboxes (`deviceIds`)
 * pick the devices; on a device page `deviceId` is the one device.
 */
export function TagForm({ action, deviceId, children }: { action: ActionFn<{ tagged: number; deployments: number }>; deviceId?: string; children?: ReactNode }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} data-testid="tag-form">
      {deviceId ? <input type="hidden" name="deviceIds" value={deviceId} /> : null}
      {children}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <TextInput name="set" placeholder="site=berlin floor=2" aria-label="tags to set (key=value …)" className="w-56" data-testid="tag-set" />
        <TextInput name="remove" placeholder="keys to remove" aria-label="tag keys to remove" className="w-40" data-testid="tag-remove" />
        <button type="submit" className={buttonClasses("secondary")} disabled={pending} data-testid="tag-submit">
          {pending ? "Tagging…" : deviceId ? "Update tags" : "Tag selected devices"}
        </button>
      </div>
      {state && !state.ok ? (
        <Alert tone="error" className="mt-2">
          {state.error}
        </Alert>
      ) : null}
      {state?.ok ? (
        <p className="mt-2 text-xs text-slate-600" data-testid="tag-result">
          Tagged {state.data.tagged} device{state.data.tagged === 1 ? "" : "s"}
          {state.data.deployments > 0 ? `; ${state.data.deployments} joined a group and got its deployment` : ""}.
        </p>
      ) : null}
    </form>
  );
}
