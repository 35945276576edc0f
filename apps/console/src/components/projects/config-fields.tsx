"use client";

import { useState } from "react";
import { buttonClasses } from "../ui/button";
import { Field, TextInput } from "../ui/form-field";

export type ProjectConfigValue = Record<string, unknown>;

/** Keys with their own inputs (zones: the zone editor); everything else is a function setting (thresholds and the like). */
const FIXED = ["source", "fps", "zones"] as const;

function settingText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A setting typed as text keeps numbers numbers and JSON JSON, so `0.4` stays a number. */
export function parseSetting(text: string): unknown {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t);
  } catch {
    return text;
  }
}

export function ConfigFields({ config, onChange, readOnly }: { config: ProjectConfigValue; onChange: (c: ProjectConfigValue) => void; readOnly: boolean }) {
  const [newKey, setNewKey] = useState("");
  const settings = Object.entries(config).filter(([k]) => !(FIXED as readonly string[]).includes(k));
  const set = (key: string, value: unknown) => onChange({ ...config, [key]: value });
  const drop = (key: string) => {
    const { [key]: _gone, ...rest } = config;
    onChange(rest);
  };

  return (
    <div className="space-y-4" data-testid="config-fields">
      <Field label="Source" htmlFor="cfg-source" hint="Camera or video URI: a file path, rtsp://…, /dev/video0, or a sample media name.">
        <TextInput id="cfg-source" value={typeof config.source === "string" ? config.source : ""} onChange={(e) => (e.target.value ? set("source", e.target.value) : drop("source"))} readOnly={readOnly} className="font-mono" />
      </Field>
      <Field label="Frames per second" htmlFor="cfg-fps">
        <TextInput
          id="cfg-fps"
          type="number"
          min={0.1}
          max={120}
          step="any"
          value={typeof config.fps === "number" ? config.fps : ""}
          onChange={(e) => (e.target.value === "" ? drop("fps") : set("fps", Number(e.target.value)))}
          readOnly={readOnly}
          className="max-w-32"
        />
      </Field>
      <div>
        <div className="mb-1 text-sm font-medium text-slate-700">Settings</div>
        <p className="mb-2 text-xs text-slate-500">Thresholds and other values the function reads from ctx.config. Numbers and JSON are kept as such.</p>
        <div className="space-y-2">
          {settings.length === 0 ? <p className="text-xs text-slate-400">No settings.</p> : null}
          {settings.map(([key, value]) => (
            <div key={key} className="space-y-1">
              <label htmlFor={`cfg-${key}`} className="block truncate font-mono text-xs text-slate-600" title={key}>
                {key}
              </label>
              <div className="flex items-center gap-2">
                <TextInput id={`cfg-${key}`} defaultValue={settingText(value)} onBlur={(e) => set(key, parseSetting(e.target.value))} readOnly={readOnly} className="min-w-0 flex-1 font-mono" data-setting={key} />
                {readOnly ? null : (
                  <button type="button" className={buttonClasses("ghost", "px-2 text-xs")} onClick={() => drop(key)} aria-label={`Remove ${key}`}>
                    ✕
                  </button>
                )}
              </div>
            </div>
          ))}
        </div>
        {readOnly ? null : (
          <div className="mt-2 flex items-center gap-2">
            <TextInput placeholder="new setting name" value={newKey} onChange={(e) => setNewKey(e.target.value)} className="min-w-0 flex-1 font-mono" aria-label="New setting name" />
            <button
              type="button"
              className={buttonClasses("secondary", "shrink-0 text-xs")}
              disabled={!newKey.trim() || newKey.trim() in config}
              onClick={() => {
                set(newKey.trim(), 0);
                setNewKey("");
              }}
            >
              Add setting
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
