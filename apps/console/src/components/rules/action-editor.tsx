"use client";

import { buttonClasses } from "../ui/button";
import { Field, Select, TextInput } from "../ui/form-field";

/** The editable shape of a rule action (RuleActionSchema in @edgelens/shared). */
export type ActionDraft =
  | { type: "republish"; topic: string; qos: 0 | 1 }
  | { type: "webhook"; url: string; timeoutMs: number; retries: number; headers?: Record<string, string> }
  | { type: "store"; snapshot: boolean }
  | { type: "clip"; pre: number; post: number };

export function blankAction(type: ActionDraft["type"]): ActionDraft {
  if (type === "republish") return { type, topic: "alerts/${topic(3)}", qos: 0 };
  if (type === "webhook") return { type, url: "http://127.0.0.1:8080/hook", timeoutMs: 5000, retries: 2 };
  if (type === "clip") return { type, pre: 5, post: 5 };
  return { type, snapshot: false };
}

export function ActionEditor({ value, onChange, onRemove, idPrefix, readOnly }: { value: ActionDraft; onChange: (a: ActionDraft) => void; onRemove?: () => void; idPrefix: string; readOnly: boolean }) {
  return (
    <div className="space-y-3 rounded-md border border-slate-200 bg-slate-50/50 p-3" data-testid="rule-action">
      <div className="flex items-center gap-2">
        <Select value={value.type} onChange={(e) => onChange(blankAction(e.target.value as ActionDraft["type"]))} disabled={readOnly} aria-label="Action type" className="max-w-48">
          <option value="store">Store as event</option>
          <option value="republish">Republish</option>
          <option value="webhook">Webhook (HTTP POST)</option>
          <option value="clip">Store with a video clip</option>
        </Select>
        {onRemove && !readOnly ? (
          <button type="button" className={buttonClasses("ghost", "ml-auto px-2 text-xs")} onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </div>
      {value.type === "republish" ? (
        <div className="grid gap-3 sm:grid-cols-[1fr_6rem] [&>*]:min-w-0">
          <Field label="Topic template" htmlFor={`${idPrefix}-topic`} hint="${name} is replaced by the selected field name, e.g. ${topic(3)}.">
            <TextInput id={`${idPrefix}-topic`} value={value.topic} onChange={(e) => onChange({ ...value, topic: e.target.value })} readOnly={readOnly} className="font-mono" />
          </Field>
          <Field label="QoS" htmlFor={`${idPrefix}-qos`}>
            <Select id={`${idPrefix}-qos`} value={value.qos} onChange={(e) => onChange({ ...value, qos: e.target.value === "1" ? 1 : 0 })} disabled={readOnly}>
              <option value={0}>0</option>
              <option value={1}>1</option>
            </Select>
          </Field>
        </div>
      ) : null}
      {value.type === "webhook" ? (
        <div className="grid gap-3 sm:grid-cols-[1fr_7rem_6rem] [&>*]:min-w-0">
          <Field label="URL" htmlFor={`${idPrefix}-url`}>
            <TextInput id={`${idPrefix}-url`} type="url" value={value.url} onChange={(e) => onChange({ ...value, url: e.target.value })} readOnly={readOnly} className="font-mono" />
          </Field>
          <Field label="Timeout ms" htmlFor={`${idPrefix}-timeout`}>
            <TextInput id={`${idPrefix}-timeout`} type="number" min={1} max={60000} value={value.timeoutMs} onChange={(e) => onChange({ ...value, timeoutMs: Number(e.target.value) })} readOnly={readOnly} />
          </Field>
          <Field label="Retries" htmlFor={`${idPrefix}-retries`}>
            <TextInput id={`${idPrefix}-retries`} type="number" min={0} max={10} value={value.retries} onChange={(e) => onChange({ ...value, retries: Number(e.target.value) })} readOnly={readOnly} />
          </Field>
        </div>
      ) : null}
      {value.type === "clip" ? (
        <div className="grid gap-3 sm:grid-cols-2 [&>*]:min-w-0">
          <Field label="Seconds before" htmlFor={`${idPrefix}-pre`} hint="Stored as an event; the device sends the video around it (at most 60 s each side).">
            <TextInput id={`${idPrefix}-pre`} type="number" min={0} max={60} value={value.pre} onChange={(e) => onChange({ ...value, pre: Number(e.target.value) })} readOnly={readOnly} />
          </Field>
          <Field label="Seconds after" htmlFor={`${idPrefix}-post`}>
            <TextInput id={`${idPrefix}-post`} type="number" min={0} max={60} value={value.post} onChange={(e) => onChange({ ...value, post: Number(e.target.value) })} readOnly={readOnly} />
          </Field>
        </div>
      ) : null}
      {value.type === "store" ? (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={value.snapshot} onChange={(e) => onChange({ ...value, snapshot: e.target.checked })} disabled={readOnly} className="h-4 w-4 rounded border-slate-300" />
          Ask the device for a snapshot to store with the event
        </label>
      ) : null}
    </div>
  );
}
