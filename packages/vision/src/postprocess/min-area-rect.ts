/** A point as [x, y]. */
export type Vec2 = [number, number];

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down images, no collinear points. */
export function convexHull(points: readonly Vec2[]): Vec2[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length <= 2) return p;
  const cross = (o: Vec2, a: Vec2, b: Vec2) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Vec2[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Vec2, lower[lower.length - 1] as Vec2, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Vec2[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i] as Vec2;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Vec2, upper[upper.length - 1] as Vec2, q) <= 0) upper.pop();
    upper.push(q);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** A rotated rectangle: centre, side lengths along the unit axes `u` and `v` (v ⟂ u). */
export interface RotatedRect {
  cx: number;
  cy: number;
  /** Side length along `u`. */
  width: number;
  /** Side length along `v`. */
  height: number;
  u: Vec2;
  v: Vec2;
}

/**
 * The minimum-area enclosing rectangle (rotating calipers: one side lies on a hull edge, Freeman
 * & Shapira 1975), like OpenCV's minAreaRect. Degenerate inputs give zero-size sides.
 */
export function minAreaRect(points: readonly Vec2[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, u: [1, 0], v: [0, 1] };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  const edges = hull.length === 1 ? 0 : hull.length;
  for (let i = 0; i < Math.max(1, edges); i++) {
    const a = hull[i] as Vec2;
    const b = hull[(i + 1) % hull.length] as Vec2;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const u: Vec2 = len > 0 ? [(b[0] - a[0]) / len, (b[1] - a[1]) / len] : [1, 0];
    const v: Vec2 = [-u[1], u[0]];
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const q of hull) {
      const pu = q[0] * u[0] + q[1] * u[1];
      const pv = q[0] * v[0] + q[1] * v[1];
      if (pu < minU) minU = pu;
      if (pu > maxU) maxU = pu;
      if (pv < minV) minV = pv;
      if (pv > maxV) maxV = pv;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = { cx: mu * u[0] + mv * v[0], cy: mu * u[1] + mv * v[1], width: maxU - minU, height: maxV - minV, u, v };
    }
  }
  return best as RotatedRect;
}

/**
 * The four corners ordered top-left, top-right, bottom-right, bottom-left, the way PaddleOCR's
 * get_mini_boxes orders cv2.boxPoints (two leftmost by x, each pair split by y).
 */
export function rectCorners(r: RotatedRect): [Vec2, Vec2, Vec2, Vec2] {
  const hw = r.width / 2;
  const hh = r.height / 2;
  const pts: Vec2[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ].map(([su, sv]) => [r.cx + (su as number) * hw * r.u[0] + (sv as number) * hh * r.v[0], r.cy + (su as number) * hw * r.u[1] + (sv as number) * hh * r.v[1]]);
  pts.sort((a, b) => a[0] - b[0]);
  const [p0, p1, p2, p3] = pts as [Vec2, Vec2, Vec2, Vec2];
  const [tl, bl] = p1[1] > p0[1] ? [p0, p1] : [p1, p0];
  const [tr, br] = p3[1] > p2[1] ? [p2, p3] : [p3, p2];
  return [tl, tr, br, bl];
}

/**
 * DB's unclip (Liao et al. 2020, "Real-time Scene Text Detection with Differentiable
 * Binarization", eq. 9): offset the shrunk region by D = A * r / L. For a rectangle, the minimum
 * rectangle around the rounded offset polygon (what PaddleOCR computes with pyclipper) is the
 * rectangle grown by D on every side.
 */
export function unclipRect(r: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (r.width + r.height);
  if (perimeter <= 0) return r;
  const d = (r.width * r.height * ratio) / perimeter;
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}
