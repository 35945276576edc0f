"use client";

import { useActionState } from "react";
import type { ActionFn } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Field, Select, TextInput } from "../ui/form-field";

type Result = { id: string; started: number; skipped: number };

/** Deploys a project (its latest version) to a group, with the priority that ranks it against other groups. */
export function GroupDeployForm({ group, projects, action }: { group: string; projects: { id: string; name: string; latestVersion: number }[]; action: ActionFn<Result> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3" data-testid="group-deploy-form">
      <input type="hidden" name="group" value={group} />
      <Field label="Project" htmlFor="group-deploy-project">
        <Select id="group-deploy-project" name="projectId" required>
          {projects.map((p) => (
            <option key={p.id} value={p.id} disabled={p.latestVersion === 0}>
              {p.name} v{p.latestVersion}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Priority" htmlFor="group-deploy-priority">
        <TextInput id="group-deploy-priority" name="priority" type="number" min={-1000} max={1000} defaultValue={0} className="w-24" />
      </Field>
      <button type="submit" className={buttonClasses("primary")} disabled={pending || projects.length === 0} data-testid="group-deploy">
        {pending ? "Deploying…" : "Deploy to group"}
      </button>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
      {state?.ok ? (
        <p className="text-sm text-slate-600" data-testid="group-deploy-result">
          Deployment {state.data.id}: {state.data.started} device(s) started, {state.data.skipped} skipped (pinned, outranked or up to date).
        </p>
      ) : null}
    </form>
  );
}
