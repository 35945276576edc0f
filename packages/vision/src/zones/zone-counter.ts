import type { Detection } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { boxInZone, validateZones, type Zone, type ZoneAnchor } from "./zone-geometry";

export interface ZoneCounterOptions {
  /** The config's zones (checked here with validateZones). */
  zones: unknown;
  anchor?: ZoneAnchor;
  /** A track unseen this long (ms of frame time) leaves its zones; short gaps keep its dwell. Default 2000. */
  graceMs?: number;
}

/** `{zoneName: {label: count}}` for one frame. */
export type ZoneCounts = Record<string, Record<string, number>>;

export interface ZoneUpdate {
  /** The detections in the same order; tracked ones inside zones get `dwell` (seconds per zone). */
  detections: Detection[];
  zones: ZoneCounts;
}

export interface ZoneCounter {
  readonly zones: readonly Zone[];
  /** One frame: `frame.ts` (ms) times the dwell of tracked detections. */
  update(detections: readonly Detection[], frame: { width: number; height: number; ts: number }): ZoneUpdate;
  reset(): void;
}

/**
 * Counts detections per zone and label each frame, and how long each tracked object has been in
 * each zone (loitering). Pure: time is the frame's timestamp, one call per frame.
 */
export function createZoneCounter(options: ZoneCounterOptions): ZoneCounter {
  const zones = validateZones(options.zones);
  const anchor = options.anchor ?? "bottom";
  const graceMs = options.graceMs ?? 2000;
  if (!(graceMs >= 0)) throw new EdgelensError("INVALID_CONFIG", `zone counter: graceMs must be >= 0, got ${graceMs}`);
  // trackId -> zone name -> {since, seen} in frame ms.
  let entered = new Map<number, Map<string, { since: number; seen: number }>>();

  function update(detections: readonly Detection[], frame: { width: number; height: number; ts: number }): ZoneUpdate {
    const counts: ZoneCounts = Object.fromEntries(zones.map((z) => [z.name, {}]));
    const out = detections.map((det) => {
      const dwell: Record<string, number> = {};
      const inside = zones.filter((zone) => boxInZone(det.box, zone, frame, anchor));
      for (const zone of inside) {
        const perLabel = counts[zone.name] as Record<string, number>;
        perLabel[det.label] = (perLabel[det.label] ?? 0) + 1;
      }
      if (det.trackId === undefined) return det;
      const mine = entered.get(det.trackId) ?? new Map<string, { since: number; seen: number }>();
      entered.set(det.trackId, mine);
      for (const name of [...mine.keys()]) if (!inside.some((z) => z.name === name)) mine.delete(name);
      for (const zone of inside) {
        const stay = mine.get(zone.name) ?? { since: frame.ts, seen: frame.ts };
        stay.seen = frame.ts;
        mine.set(zone.name, stay);
        dwell[zone.name] = Math.max(0, Math.round(frame.ts - stay.since) / 1000);
      }
      return inside.length > 0 ? { ...det, dwell } : det;
    });
    for (const [id, stays] of entered) {
      for (const [name, stay] of stays) if (frame.ts - stay.seen > graceMs) stays.delete(name);
      if (stays.size === 0) entered.delete(id);
    }
    return { detections: out, zones: counts };
  }

  return {
    zones,
    update,
    reset() {
      entered = new Map();
    },
  };
}
