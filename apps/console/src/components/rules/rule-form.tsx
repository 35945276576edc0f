"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import type { ActionResult } from "../ui/action-result";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Card } from "../ui/card";
import { Field, TextArea, TextInput } from "../ui/form-field";
import { ActionEditor, blankAction, type ActionDraft } from "./action-editor";
import { RuleTestBox } from "./rule-test-box";
import { SAMPLE_SQL } from "./sample-payload";

export type RuleDraft = { name: string; sql: string; actions: ActionDraft[]; errorAction: ActionDraft | null; enabled: boolean };
export type SaveRule = (id: string | null, draft: RuleDraft) => Promise<ActionResult<{ id: string }>>;

export const NEW_RULE: RuleDraft = { name: "", sql: SAMPLE_SQL, actions: [blankAction("store")], errorAction: null, enabled: true };

/** Create or edit a rule: SQL, actions, error action, and the live test box beside them. */
export function RuleForm({ id, initial, save, readOnly }: { id: string | null; initial: RuleDraft; save: SaveRule; readOnly: boolean }) {
  const router = useRouter();
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, start] = useTransition();
  const set = (patch: Partial<RuleDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const templates = useMemo(() => draft.actions.flatMap((a) => (a.type === "republish" ? [a.topic] : [])), [draft.actions]);

  const submit = () =>
    start(async () => {
      setError(null);
      const r = await save(id, draft);
      if (!r.ok) return setError(r.error);
      setSaved(true);
      if (!id) router.push(`/rules/${r.data.id}`);
      else router.refresh();
    });

  return (
    <div className="grid gap-4 xl:grid-cols-2 [&>*]:min-w-0">
      <Card title="Rule">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          data-testid="rule-form"
        >
          <Field label="Name" htmlFor="rule-name">
            <TextInput id="rule-name" required maxLength={128} value={draft.name} onChange={(e) => set({ name: e.target.value })} readOnly={readOnly} />
          </Field>
          <Field label="SQL" htmlFor="rule-sql" hint="SELECT <fields> FROM '<topic filter>' [WHERE <condition>] — AWS IoT SQL: dotted paths, topic(n), clientid(), timestamp().">
            <TextArea id="rule-sql" rows={5} required value={draft.sql} onChange={(e) => set({ sql: e.target.value })} readOnly={readOnly} spellCheck={false} />
          </Field>
          <div>
            <div className="mb-2 text-sm font-medium text-slate-700">Actions</div>
            <div className="space-y-2">
              {draft.actions.map((a, i) => (
                <ActionEditor
                  key={i}
                  idPrefix={`action-${i}`}
                  value={a}
                  readOnly={readOnly}
                  onChange={(next) => set({ actions: draft.actions.map((x, j) => (j === i ? next : x)) })}
                  onRemove={draft.actions.length > 1 ? () => set({ actions: draft.actions.filter((_, j) => j !== i) }) : undefined}
                />
              ))}
            </div>
            {!readOnly && draft.actions.length < 8 ? (
              <button type="button" className={buttonClasses("secondary", "mt-2 text-xs")} onClick={() => set({ actions: [...draft.actions, blankAction("republish")] })}>
                Add action
              </button>
            ) : null}
          </div>
          <div>
            <label className="mb-2 flex items-center gap-2 text-sm font-medium text-slate-700">
              <input type="checkbox" checked={draft.errorAction !== null} disabled={readOnly} onChange={(e) => set({ errorAction: e.target.checked ? blankAction("republish") : null })} className="h-4 w-4 rounded border-slate-300" />
              Error action (runs when an action fails)
            </label>
            {draft.errorAction ? <ActionEditor idPrefix="error-action" value={draft.errorAction} readOnly={readOnly} onChange={(next) => set({ errorAction: next })} /> : null}
          </div>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={draft.enabled} disabled={readOnly} onChange={(e) => set({ enabled: e.target.checked })} className="h-4 w-4 rounded border-slate-300" />
            Enabled
          </label>
          {error ? <Alert tone="error">{error}</Alert> : null}
          {saved ? <Alert tone="success">Saved.</Alert> : null}
          {readOnly ? null : (
            <button type="submit" className={buttonClasses("primary")} disabled={pending} data-testid="rule-save">
              {pending ? "Saving…" : id ? "Save rule" : "Create rule"}
            </button>
          )}
        </form>
      </Card>
      <Card title="Test">
        <RuleTestBox sql={draft.sql} templates={templates} />
      </Card>
    </div>
  );
}
