import type { Box } from "@edgelens/shared/schemas";

/** Intersection over union of two `[x1,y1,x2,y2]` boxes; 0 when either is empty. */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const ax1 = a[0] ?? 0, ay1 = a[1] ?? 0, ax2 = a[2] ?? 0, ay2 = a[3] ?? 0;
  const bx1 = b[0] ?? 0, by1 = b[1] ?? 0, bx2 = b[2] ?? 0, by2 = b[3] ?? 0;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

export interface Suppressible {
  box: Box | readonly number[];
  score: number;
  classId?: number;
}

export interface NmsOptions {
  /** Boxes overlapping a better one by more than this are dropped. Default 0.5. */
  iouThreshold?: number;
  /** Only boxes of the same class suppress each other (default true). */
  classAware?: boolean;
  /** Keep at most this many (best first). */
  maxResults?: number;
}

/** Greedy non-maximum suppression; returns the kept items, best score first. */
export function nonMaxSuppression<T extends Suppressible>(items: readonly T[], options: NmsOptions = {}): T[] {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const classAware = options.classAware ?? true;
  const maxResults = options.maxResults ?? Infinity;
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length >= maxResults) break;
    let suppressed = false;
    for (const k of kept) {
      if (classAware && k.classId !== item.classId) continue;
      if (boxIou(k.box, item.box) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(item);
  }
  return kept;
}

/**
 * MediaPipe's WEIGHTED non-maximum suppression (non_max_suppression_calculator.cc): each best
 * remaining candidate absorbs every candidate overlapping it by more than the threshold, and the
 * result is their score-weighted mean of `values` (box and landmark coordinates) with the best
 * score. Steadier boxes than plain NMS for faces.
 */
export function weightedNonMaxSuppression<T extends { score: number; box: readonly number[]; values: readonly number[] }>(
  items: readonly T[],
  iouThreshold = 0.3,
  maxResults = Infinity,
): { score: number; values: number[] }[] {
  let remaining = [...items].sort((a, b) => b.score - a.score);
  const out: { score: number; values: number[] }[] = [];
  while (remaining.length > 0 && out.length < maxResults) {
    const best = remaining[0] as T;
    const cluster: T[] = [];
    const rest: T[] = [];
    for (const c of remaining) (c === best || boxIou(best.box, c.box) > iouThreshold ? cluster : rest).push(c);
    const values = new Array<number>(best.values.length).fill(0);
    let total = 0;
    for (const c of cluster) {
      total += c.score;
      for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) + (c.values[i] ?? 0) * c.score;
    }
    out.push({ score: best.score, values: total > 0 ? values.map((v) => v / total) : [...best.values] });
    remaining = rest;
  }
  return out;
}
