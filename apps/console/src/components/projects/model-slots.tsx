"use client";

import { useState } from "react";
import { buttonClasses } from "../ui/button";
import { Select, TextInput } from "../ui/form-field";

export type ModelOption = { versionId: string; label: string };

const SLOT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Which model each `ctx.models.<slot>` of the function gets. */
export function ModelSlots({ slots, options, onChange, readOnly }: { slots: Record<string, string>; options: ModelOption[]; onChange: (s: Record<string, string>) => void; readOnly: boolean }) {
  const [newSlot, setNewSlot] = useState("");
  const entries = Object.entries(slots);
  const known = new Set(options.map((o) => o.versionId));

  return (
    <div className="space-y-2" data-testid="model-slots">
      {entries.length === 0 ? <p className="text-xs text-slate-400">This project uses no model.</p> : null}
      {entries.map(([slot, versionId]) => (
        <div key={slot} className="space-y-1">
          <code className="block truncate text-xs text-slate-600" title={`ctx.models.${slot}`}>
            ctx.models.{slot}
          </code>
          <div className="flex items-center gap-2">
            <Select className="min-w-0 flex-1" value={versionId} disabled={readOnly} onChange={(e) => onChange({ ...slots, [slot]: e.target.value })} aria-label={`Model for ${slot}`}>
              {known.has(versionId) ? null : <option value={versionId}>{versionId} (missing)</option>}
              {options.map((o) => (
                <option key={o.versionId} value={o.versionId}>
                  {o.label}
                </option>
              ))}
            </Select>
            {readOnly ? null : (
              <button
                type="button"
                className={buttonClasses("ghost", "px-2 text-xs")}
                aria-label={`Remove ${slot}`}
                onClick={() => {
                  const { [slot]: _gone, ...rest } = slots;
                  onChange(rest);
                }}
              >
                ✕
              </button>
            )}
          </div>
        </div>
      ))}
      {readOnly || options.length === 0 ? null : (
        <div className="flex items-center gap-2 pt-1">
          <TextInput placeholder="slot, e.g. detector" value={newSlot} onChange={(e) => setNewSlot(e.target.value)} className="min-w-0 flex-1 font-mono" aria-label="New model slot" />
          <button
            type="button"
            className={buttonClasses("secondary", "shrink-0 text-xs")}
            disabled={!SLOT.test(newSlot) || newSlot in slots}
            onClick={() => {
              onChange({ ...slots, [newSlot]: options[0]!.versionId });
              setNewSlot("");
            }}
          >
            Add model
          </button>
        </div>
      )}
    </div>
  );
}
