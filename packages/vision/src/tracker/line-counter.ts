import type { Detection } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";

export type LinePoint = readonly [number, number];

export interface LineCounterOptions {
  /** The counting line A→B, in source pixels, or 0..1 of the frame with `normalized`. */
  line: readonly [LinePoint, LinePoint];
  normalized?: boolean;
  /** Which point of a box crosses: its centre (default) or its bottom centre (feet). */
  anchor?: "center" | "bottom";
  /** Forget a track not seen for this many updates. Default 100. */
  forgetAfter?: number;
}

/**
 * "forward": from the left of A→B to its right as seen on screen (y down); so a line drawn left to
 * right counts downward motion as forward.
 */
export type CrossingDirection = "forward" | "backward";

export interface Crossing {
  trackId: number;
  label: string;
  direction: CrossingDirection;
}

export interface LineCounts {
  /** Unique track ids that crossed forward / backward / at all. */
  forward: number;
  backward: number;
  total: number;
}

export interface LineCounter {
  /** Feeds one frame's tracked detections (those without trackId are ignored). */
  update(detections: readonly Detection[], frame: { width: number; height: number }): Crossing[];
  counts(): LineCounts;
  /** The line in pixels of a `width x height` frame (for drawing). */
  linePixels(frame: { width: number; height: number }): [[number, number], [number, number]];
  reset(): void;
}

function cross(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** Counts unique tracks whose anchor point's movement between two updates crosses segment A–B. */
export function createLineCounter(options: LineCounterOptions): LineCounter {
  const [a, b] = options.line;
  if (![...a, ...b].every(Number.isFinite) || (a[0] === b[0] && a[1] === b[1])) {
    throw new EdgelensError("INVALID_CONFIG", `line counter: line must be two distinct finite points, got ${JSON.stringify(options.line)}`);
  }
  const forgetAfter = options.forgetAfter ?? 100;
  let last = new Map<number, { x: number; y: number; side: number; seen: number }>();
  let forward = new Set<number>();
  let backward = new Set<number>();
  let tick = 0;

  function linePixels(frame: { width: number; height: number }): [[number, number], [number, number]] {
    const sx = options.normalized ? frame.width : 1;
    const sy = options.normalized ? frame.height : 1;
    return [
      [a[0] * sx, a[1] * sy],
      [b[0] * sx, b[1] * sy],
    ];
  }

  function update(detections: readonly Detection[], frame: { width: number; height: number }): Crossing[] {
    tick++;
    const [[ax, ay], [bx, by]] = linePixels(frame);
    const events: Crossing[] = [];
    for (const det of detections) {
      if (det.trackId === undefined) continue;
      const x = (det.box[0] + det.box[2]) / 2;
      const y = options.anchor === "bottom" ? det.box[3] : (det.box[1] + det.box[3]) / 2;
      const side = Math.sign(cross(ax, ay, bx, by, x, y));
      const prev = last.get(det.trackId);
      // A point exactly on the line belongs to neither side: keep the last side it was seen on.
      if (side === 0) {
        if (prev) prev.seen = tick;
        continue;
      }
      last.set(det.trackId, { x, y, side, seen: tick });
      if (!prev || prev.side === side) continue;
      // The movement crosses the infinite line; count it only within the segment.
      const t0 = cross(prev.x, prev.y, x, y, ax, ay);
      const t1 = cross(prev.x, prev.y, x, y, bx, by);
      if (t0 > 0 === t1 > 0 && t0 !== 0 && t1 !== 0) continue;
      const direction: CrossingDirection = side > 0 ? "forward" : "backward";
      (direction === "forward" ? forward : backward).add(det.trackId);
      events.push({ trackId: det.trackId, label: det.label, direction });
    }
    for (const [id, p] of last) if (tick - p.seen > forgetAfter) last.delete(id);
    return events;
  }

  return {
    update,
    linePixels,
    counts() {
      return { forward: forward.size, backward: backward.size, total: new Set([...forward, ...backward]).size };
    },
    reset() {
      last = new Map();
      forward = new Set();
      backward = new Set();
      tick = 0;
    },
  };
}
