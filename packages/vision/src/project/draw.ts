import { colorForIndex, parseColor } from "../overlay/color";

/**
 * Overlay operations a project function records with `ctx.draw` for the project stream. They are
 * plain data (they cross from the project worker to the agent) and are applied to a copy of the
 * frame only when someone watches the stream, so drawing costs the function almost nothing.
 */
export type Point = readonly [x: number, y: number];

export interface StrokeStyle {
  /** CSS colour (`#rrggbb`, `red`, `rgba(...)`). */
  color?: string;
  lineWidth?: number;
}

export type DrawOp =
  | { kind: "box"; box: [number, number, number, number]; label?: string; color?: string; lineWidth?: number }
  | { kind: "polygon"; points: [number, number][]; closed: boolean; color?: string; lineWidth?: number }
  | { kind: "line"; from: [number, number]; to: [number, number]; color?: string; lineWidth?: number }
  | { kind: "points"; points: [number, number][]; radius: number; color?: string }
  | { kind: "text"; at: [number, number]; text: string; size?: number; color?: string };

export interface KeypointLike {
  x: number;
  y: number;
  score?: number;
}

export interface DrawApi {
  /** A rectangle `[x1, y1, x2, y2]` in frame pixels, with an optional caption above it. */
  box(box: readonly number[], options?: StrokeStyle & { label?: string }): void;
  /** Boxes of detections, captioned `#track label score`, coloured per track or class unless `color` is given. */
  detections(detections: readonly { box: readonly number[]; label: string; score: number; classId?: number; trackId?: number }[], options?: StrokeStyle): void;
  /** Keypoints whose score reaches `minScore`, joined by `edges` (pairs of indexes into `points`). */
  keypoints(points: readonly KeypointLike[], options?: StrokeStyle & { edges?: readonly (readonly [number, number])[]; minScore?: number; radius?: number }): void;
  polygon(points: readonly Point[], options?: StrokeStyle & { closed?: boolean }): void;
  /**
   * The config's zones (points in 0..1 of `frame`), outlined and named; with `counts` (a result's
   * `zones`) each name shows how many detections are in it.
   */
  zones(zones: readonly { name: string; points: readonly Point[] }[], frame: { width: number; height: number }, options?: StrokeStyle & { counts?: Record<string, Record<string, number>> }): void;
  line(from: Point, to: Point, options?: StrokeStyle): void;
  text(at: Point, text: string, options?: { color?: string; size?: number }): void;
}

export interface DrawRecorder {
  readonly api: DrawApi;
  /** The ops recorded since the last call, oldest first. */
  take(): DrawOp[];
}

// Why a throw: a NaN coordinate would silently draw nothing; the function's author should see it.
function coordinate(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`ctx.draw: ${what} must be a finite number, got ${String(value)}`);
  }
  return value;
}

function toPoint(point: Point, what: string): [number, number] {
  return [coordinate(point[0], `${what} x`), coordinate(point[1], `${what} y`)];
}

// Checked when recorded so that a bad colour fails in the function, not later in the stream.
function color(value: unknown): string {
  const css = String(value);
  parseColor(css);
  return css;
}

function style(options: StrokeStyle | undefined): { color?: string; lineWidth?: number } {
  const out: { color?: string; lineWidth?: number } = {};
  if (options?.color !== undefined) out.color = color(options.color);
  if (options?.lineWidth !== undefined) out.lineWidth = coordinate(options.lineWidth, "lineWidth");
  return out;
}

function toBox(box: readonly number[]): [number, number, number, number] {
  if (box.length !== 4) throw new TypeError(`ctx.draw.box: a box is [x1, y1, x2, y2], got ${box.length} numbers`);
  return [coordinate(box[0], "box x1"), coordinate(box[1], "box y1"), coordinate(box[2], "box x2"), coordinate(box[3], "box y2")];
}

/** A fresh `ctx.draw` whose ops the runtime takes after each frame. */
export function createDrawRecorder(): DrawRecorder {
  let ops: DrawOp[] = [];
  const api: DrawApi = {
    box(box, options) {
      const op: DrawOp = { kind: "box", box: toBox(box), ...style(options) };
      if (options?.label !== undefined) op.label = String(options.label);
      ops.push(op);
    },
    detections(detections, options) {
      for (const d of detections) {
        const caption = `${d.trackId !== undefined ? `#${d.trackId} ` : ""}${d.label} ${d.score.toFixed(2)}`;
        const [r, g, b] = colorForIndex(d.trackId ?? d.classId ?? 0);
        api.box(d.box, { color: `rgb(${r},${g},${b})`, ...options, label: caption });
      }
    },
    keypoints(points, options) {
      const minScore = options?.minScore ?? 0;
      const visible = points.map((p) => (p.score ?? 1) >= minScore);
      for (const [a, b] of options?.edges ?? []) {
        const pa = points[a];
        const pb = points[b];
        if (pa && pb && visible[a] && visible[b]) api.line([pa.x, pa.y], [pb.x, pb.y], options);
      }
      const shown = points.filter((_, i) => visible[i]).map((p) => toPoint([p.x, p.y], "keypoint"));
      const op: DrawOp = { kind: "points", points: shown, radius: coordinate(options?.radius ?? 3, "radius") };
      if (options?.color !== undefined) op.color = color(options.color);
      if (shown.length > 0) ops.push(op);
    },
    polygon(points, options) {
      ops.push({ kind: "polygon", points: points.map((p) => toPoint(p, "polygon point")), closed: options?.closed ?? true, ...style(options) });
    },
    zones(zones, frame, options) {
      zones.forEach((zone, i) => {
        const [r, g, b] = colorForIndex(i + 5);
        const stroke = { color: `rgb(${r},${g},${b})`, ...options };
        const points = zone.points.map(([x, y]) => [x * frame.width, y * frame.height] as const);
        api.polygon(points, stroke);
        const inside = options?.counts?.[zone.name];
        const total = inside ? Object.values(inside).reduce((sum, n) => sum + n, 0) : undefined;
        const first = points[0];
        if (first) api.text([first[0] + 4, first[1] + 4], total === undefined ? zone.name : `${zone.name} ${total}`, { color: stroke.color, size: 16 });
      });
    },
    line(from, to, options) {
      ops.push({ kind: "line", from: toPoint(from, "line start"), to: toPoint(to, "line end"), ...style(options) });
    },
    text(at, text, options) {
      const op: DrawOp = { kind: "text", at: toPoint(at, "text position"), text: String(text) };
      if (options?.color !== undefined) op.color = color(options.color);
      if (options?.size !== undefined) op.size = coordinate(options.size, "text size");
      ops.push(op);
    },
  };
  return {
    api,
    take() {
      const taken = ops;
      ops = [];
      return taken;
    },
  };
}
