"use client";

import { useActionState, useState } from "react";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Field, TextInput } from "../ui/form-field";

/** A static group (a list of device ids) or a dynamic one (a query over tags and device fields). */
export function GroupCreateForm({ action }: { action: ActionFn<{ name: string; members: number }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [kind, setKind] = useState<"dynamic" | "static">("dynamic");
  return (
    <form action={formAction} className="max-w-xl space-y-3" data-testid="group-create-form">
      <Field label="Name" htmlFor="group-name">
        <TextInput id="group-name" name="name" required maxLength={64} />
      </Field>
      <div className="flex gap-4 text-sm">
        {(["dynamic", "static"] as const).map((k) => (
          <label key={k} className="flex items-center gap-1">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`group-kind-${k}`} />
            {k === "dynamic" ? "Dynamic (query)" : "Static (device list)"}
          </label>
        ))}
      </div>
      {kind === "dynamic" ? (
        <Field label="Query" htmlFor="group-query" hint="Tags and device fields (id, name, agentVersion): site = 'berlin' AND floor IN ('1','2')">
          <TextInput id="group-query" name="query" required className="font-mono" />
        </Field>
      ) : (
        <Field label="Devices" htmlFor="group-devices" hint="Device ids, separated by commas or spaces">
          <TextInput id="group-devices" name="devices" required className="font-mono" />
        </Field>
      )}
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      {state?.ok ? (
        <Alert tone="success">
          Group {state.data.name} created with {state.data.members} device{state.data.members === 1 ? "" : "s"}.
        </Alert>
      ) : null}
      <button type="submit" className={buttonClasses("primary")} disabled={pending} data-testid="group-create">
        {pending ? "Creating…" : "Create group"}
      </button>
    </form>
  );
}
