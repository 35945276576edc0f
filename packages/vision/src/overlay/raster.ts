import { EdgelensError } from "@edgelens/shared/errors";
import type { RgbImage } from "../image/rgb-image";
import type { Rgb } from "./color";

/**
 * Drawing primitives on packed RGB, in place, clipped to the image. Coordinates are pixels and
 * are rounded; nothing allocates per pixel.
 */

/** Fills the pixels [x1, x2) x [y1, y2). */
export function fillRect(img: RgbImage, x1: number, y1: number, x2: number, y2: number, color: Rgb): void {
  const xa = Math.max(0, Math.round(Math.min(x1, x2)));
  const xb = Math.min(img.width, Math.round(Math.max(x1, x2)));
  const ya = Math.max(0, Math.round(Math.min(y1, y2)));
  const yb = Math.min(img.height, Math.round(Math.max(y1, y2)));
  const [r, g, b] = color;
  const d = img.data;
  for (let y = ya; y < yb; y++) {
    let i = (y * img.width + xa) * 3;
    for (let x = xa; x < xb; x++, i += 3) {
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = b;
    }
  }
}

/** Outline of box [x1, y1, x2, y2] with the stroke inside the box. */
export function strokeRect(img: RgbImage, box: readonly number[], color: Rgb, thickness = 2): void {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  const t = Math.max(1, Math.round(thickness));
  fillRect(img, x1, y1, x2, y1 + t, color);
  fillRect(img, x1, y2 - t, x2, y2, color);
  fillRect(img, x1, y1, x1 + t, y2, color);
  fillRect(img, x2 - t, y1, x2, y2, color);
}

/**
 * Clips segment p0-p1 to the rectangle [lo, hiX] x [lo, hiY] (Liang & Barsky 1984); null when
 * nothing is left. Keeps far off-screen endpoints from costing a step per off-screen pixel.
 */
function clipSegment(x0: number, y0: number, x1: number, y1: number, lo: number, hiX: number, hiY: number): [number, number, number, number] | null {
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, x0 - lo],
    [dx, hiX - x0],
    [-dy, y0 - lo],
    [dy, hiY - y0],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

/** A line (Bresenham), stamped with a `thickness`-wide square. */
export function drawLine(img: RgbImage, x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 2): void {
  if (![x0, y0, x1, y1, thickness].every(Number.isFinite)) {
    throw new EdgelensError("INVALID_PAYLOAD", `drawLine: coordinates must be finite, got (${x0}, ${y0}) - (${x1}, ${y1}) width ${thickness}`);
  }
  const t = Math.max(1, Math.round(thickness));
  const clipped = clipSegment(x0, y0, x1, y1, -t, img.width + t, img.height + t);
  if (!clipped) return;
  let x = Math.round(clipped[0]);
  let y = Math.round(clipped[1]);
  const xe = Math.round(clipped[2]);
  const ye = Math.round(clipped[3]);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  const lo = Math.floor((t - 1) / 2);
  let err = dx + dy;
  for (;;) {
    if (t === 1) {
      if (x >= 0 && y >= 0 && x < img.width && y < img.height) {
        const i = (y * img.width + x) * 3;
        img.data[i] = color[0];
        img.data[i + 1] = color[1];
        img.data[i + 2] = color[2];
      }
    } else {
      fillRect(img, x - lo, y - lo, x - lo + t, y - lo + t, color);
    }
    if (x === xe && y === ye) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** Filled disc of `radius` around (cx, cy). */
export function fillCircle(img: RgbImage, cx: number, cy: number, radius: number, color: Rgb): void {
  const r = Math.max(0, radius);
  const ya = Math.max(0, Math.floor(cy - r));
  const yb = Math.min(img.height - 1, Math.ceil(cy + r));
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - cy;
    const half = Math.sqrt(Math.max(0, r * r - dy * dy));
    fillRect(img, cx - half, y, cx + half, y + 1, color);
  }
}

/** Polyline through `points`, closed back to the first point by default. */
export function strokePolygon(img: RgbImage, points: readonly (readonly number[])[], color: Rgb, thickness = 2, closed = true): void {
  const n = points.length;
  for (let i = 0; i < (closed ? n : n - 1); i++) {
    const a = points[i] as readonly number[];
    const b = points[(i + 1) % n] as readonly number[];
    drawLine(img, a[0] ?? 0, a[1] ?? 0, b[0] ?? 0, b[1] ?? 0, color, thickness);
  }
}
