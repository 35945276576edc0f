import { z } from "zod";
import { EdgelensError } from "@edgelens/shared/errors";

/** A named polygon in 0..1 of the frame (docs/design.md "Zones"). */
export interface Zone {
  name: string;
  points: [number, number][];
}

/** Which point of a box decides whether it is in a zone: its bottom centre (feet, default) or centre. */
export type ZoneAnchor = "bottom" | "center";

const ZoneShapeSchema = z.object({
  name: z.string(),
  points: z.array(z.tuple([z.number(), z.number()])),
});

type Pt = readonly [number, number];

function orient(a: Pt, b: Pt, c: Pt): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** Closed segments a–b and c–d share a point (touching counts). */
function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** Why a polygon is not simple, or null: repeated vertices, crossing or overlapping edges, no area. */
export function polygonProblem(points: readonly Pt[]): string | null {
  const n = points.length;
  const edge = (i: number): [Pt, Pt] => [points[i] as Pt, points[(i + 1) % n] as Pt];
  for (let i = 0; i < n; i++) {
    const [a, b] = edge(i);
    if (a[0] === b[0] && a[1] === b[1]) return `points ${i + 1} and ${((i + 1) % n) + 1} are the same`;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const [a, b] = edge(i);
      const [c, d] = edge(j);
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) {
        // Neighbours share one vertex; they are wrong only when they fold back onto each other.
        const shared = j === i + 1 ? b : a;
        const p = j === i + 1 ? a : b;
        const q = j === i + 1 ? d : c;
        if (orient(p, shared, q) === 0 && (onSegment(shared, p, q) || onSegment(shared, q, p))) return `edges ${i + 1} and ${j + 1} overlap`;
        continue;
      }
      if (segmentsTouch(a, b, c, d)) return `edges ${i + 1} and ${j + 1} cross (the polygon intersects itself)`;
    }
  }
  let area = 0;
  for (let i = 0; i < n; i++) {
    const [a, b] = edge(i);
    area += a[0] * b[1] - b[0] * a[1];
  }
  return area === 0 ? "the polygon has no area" : null;
}

function zoneError(message: string, zone?: string): EdgelensError {
  return new EdgelensError("INVALID_CONFIG", zone === undefined ? `config.zones: ${message}` : `config.zones: zone "${zone}": ${message}`, zone === undefined ? {} : { zone });
}

/**
 * Checks a config's `zones` (unknown JSON) and returns them typed: an array of unique, non-empty
 * names, each with at least 3 points in 0..1 forming a simple polygon. INVALID_CONFIG names the zone.
 */
export function validateZones(value: unknown): Zone[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw zoneError(`must be an array of {"name", "points"}, got ${typeof value}`);
  const names = new Set<string>();
  return value.map((raw: unknown, index) => {
    const named = typeof raw === "object" && raw !== null && typeof (raw as { name?: unknown }).name === "string" ? (raw as { name: string }).name : undefined;
    const parsed = ZoneShapeSchema.safeParse(raw);
    if (!parsed.success) throw zoneError(`zone ${index + 1} must be {"name": string, "points": [[x, y], ...]}`, named);
    const { name, points } = parsed.data;
    if (name.trim() === "" || name.length > 64) throw zoneError(`zone ${index + 1} needs a name of 1 to 64 characters`);
    if (names.has(name)) throw zoneError("the name is used twice", name);
    names.add(name);
    if (points.length < 3) throw zoneError(`a polygon needs at least 3 points, got ${points.length}`, name);
    const outside = points.findIndex(([x, y]) => !(x >= 0 && x <= 1 && y >= 0 && y <= 1));
    if (outside >= 0) throw zoneError(`point ${outside + 1} ${JSON.stringify(points[outside])} is outside 0..1 of the frame`, name);
    const problem = polygonProblem(points);
    if (problem) throw zoneError(problem, name);
    return { name, points: points.map(([x, y]) => [x, y] as [number, number]) };
  });
}

/**
 * Even-odd ray casting. A point on an edge is inside: a zone drawn to the frame's border must
 * hold the feet of a person cut off by that border (their box ends exactly there).
 */
export function pointInPolygon(point: Pt, polygon: readonly Pt[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Pt;
    const [xj, yj] = polygon[j] as Pt;
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (Math.abs(cross) <= 1e-12 && onSegment([xi, yi], [xj, yj], point)) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The point of box `[x1, y1, x2, y2]` that zones test. */
export function anchorPoint(box: readonly number[], anchor: ZoneAnchor = "bottom"): [number, number] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  return [(x1 + x2) / 2, anchor === "bottom" ? y2 : (y1 + y2) / 2];
}

/** Whether a box (frame pixels) is in a zone (0..1 of a `width x height` frame). */
export function boxInZone(box: readonly number[], zone: Zone, frame: { width: number; height: number }, anchor: ZoneAnchor = "bottom"): boolean {
  const [x, y] = anchorPoint(box, anchor);
  return pointInPolygon([x / frame.width, y / frame.height], zone.points);
}

/** The zone in pixels of a `width x height` frame (for drawing). */
export function zonePixels(zone: Zone, frame: { width: number; height: number }): { name: string; points: [number, number][] } {
  return { name: zone.name, points: zone.points.map(([x, y]) => [x * frame.width, y * frame.height]) };
}
