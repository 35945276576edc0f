"use client";

import { useActionState, useState } from "react";
import type { ActionFn } from "../ui/action-result";
import { buttonClasses } from "../ui/button";
import { Field, TextInput } from "../ui/form-field";
import { PersonAddedAlert } from "./person-added-alert";

export interface PickerFace {
  face: number;
  box: [number, number, number, number];
  score: number;
}

/**
 * An event snapshot with its faces framed and numbered; the admin picks one and names the person
 * (a known name adds a photo, a new one creates them). The server describes the face again from
 * the stored snapshot, so nothing the browser sends but the number and the name is trusted.
 */
export function SnapshotFacePicker({
  sha256,
  url,
  width,
  height,
  faces,
  people,
  action,
}: {
  sha256: string;
  url: string;
  width: number;
  height: number;
  faces: PickerFace[];
  people: string[];
  action: ActionFn<{ name: string; photos: number }>;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [picked, setPicked] = useState(faces.length === 1 ? 1 : 0);
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  return (
    <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_18rem]" data-testid="snapshot-face-picker">
      <div className="relative w-full overflow-hidden rounded bg-slate-100" style={{ aspectRatio: `${width} / ${height}` }}>
        {/* A console-served JPEG: next/image's optimiser would add nothing here. */}
        <img src={url} alt="Event snapshot" className="absolute inset-0 h-full w-full" />
        {faces.map((f) => (
          <button
            key={f.face}
            type="button"
            onClick={() => setPicked(f.face)}
            aria-label={`Face ${f.face}`}
            data-testid={`snapshot-face-box-${f.face}`}
            className={`absolute rounded border-2 ${picked === f.face ? "border-emerald-400 bg-emerald-400/10" : "border-amber-300 hover:bg-amber-300/10"}`}
            style={{ left: pct(f.box[0], width), top: pct(f.box[1], height), width: pct(f.box[2] - f.box[0], width), height: pct(f.box[3] - f.box[1], height) }}
          >
            <span className="absolute -top-5 left-0 rounded bg-slate-900/80 px-1 text-[11px] font-semibold text-white">{f.face}</span>
          </button>
        ))}
      </div>
      <form action={formAction} className="space-y-3" data-testid="snapshot-face-form">
        <input type="hidden" name="snapshot" value={sha256} />
        {faces.length === 0 ? (
          <p className="text-sm text-slate-600">No face found in this snapshot. Pick another one.</p>
        ) : (
          <fieldset className="space-y-1">
            <legend className="mb-1 text-sm font-medium text-slate-700">Face</legend>
            {faces.map((f) => (
              <label key={f.face} className="flex items-center gap-2 text-sm">
                <input type="radio" name="face" value={f.face} checked={picked === f.face} onChange={() => setPicked(f.face)} required data-testid={`snapshot-face-${f.face}`} />
                Face {f.face} <span className="text-xs text-slate-500">score {f.score.toFixed(2)}</span>
              </label>
            ))}
          </fieldset>
        )}
        <Field label="Person" htmlFor="snapshot-person" hint="A known name adds this face as a photo; a new name creates the person.">
          <TextInput id="snapshot-person" name="name" required maxLength={64} list="known-people" />
        </Field>
        <datalist id="known-people">
          {people.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <PersonAddedAlert state={state} />
        <button type="submit" className={buttonClasses("primary")} disabled={pending || faces.length === 0 || picked === 0} data-testid="snapshot-face-add">
          {pending ? "Describing the face…" : picked ? `Add face ${picked}` : "Pick a face"}
        </button>
      </form>
    </div>
  );
}
