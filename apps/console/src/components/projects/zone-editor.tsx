"use client";

import { validateZones } from "@edgelens/vision/zones";
import { useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { buttonClasses } from "../ui/button";
import { TextInput } from "../ui/form-field";

export type EditorZone = { name: string; points: [number, number][] };
export type ZoneSnapshot = { url: string; deviceId: string; ts: number };

const COLORS = ["#f43f5e", "#0ea5e9", "#f59e0b", "#10b981", "#a855f7", "#ec4899"];
const colorOf = (i: number) => COLORS[i % COLORS.length] as string;

/** `config.zones` as the editor shows it: anything that is not a list of {name, points} is left out. */
export function editableZones(value: unknown): EditorZone[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((z: unknown) => {
    const { name, points } = (z ?? {}) as { name?: unknown; points?: unknown };
    if (typeof name !== "string" || !Array.isArray(points)) return [];
    const pts = points.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number"));
    return [{ name, points: pts.map(([x, y]) => [x, y] as [number, number]) }];
  });
}

/** The first problem of the zones (the same check the console and the agent make), or null. */
export function zonesProblem(zones: EditorZone[]): string | null {
  try {
    validateZones(zones);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

function freshName(zones: EditorZone[]): string {
  for (let i = zones.length + 1; ; i++) if (!zones.some((z) => z.name === `zone-${i}`)) return `zone-${i}`;
}

/**
 * Named polygons in 0..1 of the frame, drawn over a picture of the camera: a click adds a point
 * to the selected zone, dragging a point moves it. Changes go to the project's config; saving
 * the project writes them (and the console refuses invalid polygons, naming the zone).
 */
export function ZoneEditor({ zones, onChange, snapshot, readOnly }: { zones: EditorZone[]; onChange: (zones: EditorZone[]) => void; snapshot: ZoneSnapshot | null; readOnly: boolean }) {
  const [selected, setSelected] = useState(zones.length > 0 ? 0 : -1);
  const [drag, setDrag] = useState<{ zone: number; point: number } | null>(null);
  const area = useRef<HTMLDivElement>(null);
  const problem = zonesProblem(zones);

  const toFrame = (e: ReactPointerEvent): [number, number] => {
    const r = (area.current as HTMLDivElement).getBoundingClientRect();
    return [round((e.clientX - r.left) / r.width), round((e.clientY - r.top) / r.height)];
  };
  const update = (index: number, zone: EditorZone) => onChange(zones.map((z, i) => (i === index ? zone : z)));

  const onAreaDown = (e: ReactPointerEvent) => {
    if (readOnly || e.button !== 0) return;
    const point = toFrame(e);
    const target = zones[selected];
    if (!target) {
      onChange([...zones, { name: freshName(zones), points: [point] }]);
      setSelected(zones.length);
      return;
    }
    update(selected, { ...target, points: [...target.points, point] });
  };
  const onHandleDown = (e: ReactPointerEvent, zone: number, point: number) => {
    if (readOnly) return;
    e.stopPropagation();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    setSelected(zone);
    setDrag({ zone, point });
  };
  const onMove = (e: ReactPointerEvent) => {
    if (!drag) return;
    const target = zones[drag.zone];
    if (!target) return;
    const [x, y] = toFrame(e);
    update(drag.zone, { ...target, points: target.points.map((p, i) => (i === drag.point ? [x, y] : p)) });
  };

  return (
    <div className="grid gap-4 lg:grid-cols-3 [&>*]:min-w-0" data-testid="zone-editor">
      <div className="lg:col-span-2">
        <div ref={area} className="relative touch-none select-none overflow-hidden rounded-md bg-slate-800" onPointerDown={onAreaDown} onPointerMove={onMove} onPointerUp={() => setDrag(null)} data-testid="zone-area">
          {snapshot ? (
            // A console-served JPEG whose size decides the drawing area: next/image would add nothing.
            <img src={snapshot.url} alt={`Camera of ${snapshot.deviceId}`} className="pointer-events-none block w-full" draggable={false} data-testid="zone-snapshot" />
          ) : (
            <div className="grid aspect-video w-full place-items-center text-xs text-slate-400">No camera picture yet (a store rule with a snapshot on a device running this project gives one)</div>
          )}
          <svg className="pointer-events-none absolute inset-0 h-full w-full" viewBox="0 0 1 1" preserveAspectRatio="none" data-testid="zone-svg">
            {zones.map((z, i) => (
              <polygon
                key={i}
                points={z.points.map(([x, y]) => `${x},${y}`).join(" ")}
                fill={colorOf(i)}
                fillOpacity={i === selected ? 0.25 : 0.12}
                stroke={colorOf(i)}
                strokeWidth={i === selected ? 3 : 2}
                vectorEffect="non-scaling-stroke"
                data-zone={z.name}
              />
            ))}
          </svg>
          {zones.flatMap((z, zi) =>
            z.points.map(([x, y], pi) => (
              <span
                key={`${zi}-${pi}`}
                className="absolute h-3.5 w-3.5 -translate-x-1/2 -translate-y-1/2 cursor-move rounded-full border-2 border-white shadow"
                style={{ left: `${x * 100}%`, top: `${y * 100}%`, background: colorOf(zi) }}
                onPointerDown={(e) => onHandleDown(e, zi, pi)}
                data-testid="zone-handle"
                data-zone={z.name}
                title={`${z.name} point ${pi + 1}: ${x}, ${y}`}
              />
            )),
          )}
        </div>
        <p className="mt-1 text-xs text-slate-500">
          {snapshot ? `Picture from ${snapshot.deviceId}, ${new Date(snapshot.ts).toLocaleString()}. ` : ""}
          {readOnly ? "" : "Click to add a point to the selected zone; drag a point to move it."}
        </p>
      </div>
      <div className="space-y-2">
        {zones.length === 0 ? <p className="text-xs text-slate-400">No zones. Results count detections per zone once there is one.</p> : null}
        {zones.map((z, i) => (
          <div key={i} className={`flex items-center gap-2 rounded-md border p-2 ${i === selected ? "border-sky-400 bg-sky-50" : "border-slate-200"}`}>
            <button type="button" className="h-4 w-4 shrink-0 rounded-full" style={{ background: colorOf(i) }} onClick={() => setSelected(i)} aria-label={`Select ${z.name}`} />
            <TextInput value={z.name} onChange={(e) => update(i, { ...z, name: e.target.value })} onFocus={() => setSelected(i)} readOnly={readOnly} className="min-w-0 flex-1 font-mono" aria-label="Zone name" data-testid="zone-name" />
            <span className="shrink-0 text-xs text-slate-500">{z.points.length} pts</span>
            {readOnly ? null : (
              <>
                <button type="button" className={buttonClasses("ghost", "px-2 text-xs")} onClick={() => update(i, { ...z, points: z.points.slice(0, -1) })} disabled={z.points.length === 0} aria-label={`Remove the last point of ${z.name}`}>
                  ↶
                </button>
                <button
                  type="button"
                  className={buttonClasses("ghost", "px-2 text-xs")}
                  onClick={() => {
                    onChange(zones.filter((_, j) => j !== i));
                    setSelected(-1);
                  }}
                  aria-label={`Delete ${z.name}`}
                >
                  ✕
                </button>
              </>
            )}
          </div>
        ))}
        {readOnly ? null : (
          <button
            type="button"
            className={buttonClasses("secondary", "text-xs")}
            onClick={() => {
              onChange([...zones, { name: freshName(zones), points: [] }]);
              setSelected(zones.length);
            }}
            data-testid="zone-add"
          >
            Add zone
          </button>
        )}
        {problem ? (
          <p className="text-xs text-rose-700" data-testid="zone-problem">
            {problem}
          </p>
        ) : null}
      </div>
    </div>
  );
}
