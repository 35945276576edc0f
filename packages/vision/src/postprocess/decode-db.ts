import type { TextRegion } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { toSourcePoint, type FrameTransform } from "../preprocess/frame-transform";
import { labelComponents } from "./connected-components";
import { minAreaRect, rectCorners, unclipRect, type RotatedRect, type Vec2 } from "./min-area-rect";
import { readNumbers, type TensorView } from "./tensor-view";

export interface DbOptions {
  /** The transform that produced the model input (its size must match the map's). */
  transform: FrameTransform;
  /** Probability above which a pixel is text. Default 0.3 (PaddleOCR det_db_thresh). */
  threshold?: number;
  /** Minimum mean probability inside a box. Default 0.6 (det_db_box_thresh). */
  boxThreshold?: number;
  /** How far shrunk text kernels are grown back. Default 1.5 (det_db_unclip_ratio). */
  unclipRatio?: number;
  /** Boxes whose shorter side is under this many map pixels are noise. Default 3. */
  minSize?: number;
  /** Default 1000 (max_candidates). */
  maxCandidates?: number;
}

/** Mean probability over the map pixels whose centres lie in `r` (PaddleOCR's box_score_fast). */
function boxScore(map: ArrayLike<number>, width: number, height: number, r: RotatedRect): number {
  const corners = rectCorners(r);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  // Half a pixel of slack: fillPoly counts the pixels the border passes through.
  const hu = r.width / 2 + 0.5;
  const hv = r.height / 2 + 0.5;
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - r.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - r.cx;
      if (Math.abs(dx * r.u[0] + dy * r.u[1]) <= hu && Math.abs(dx * r.v[0] + dy * r.v[1]) <= hv) {
        sum += map[y * width + x] as number;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : 0;
}

/**
 * DB post-processing of a text probability map `[1,1,H,W]` (PaddleOCR's DBPostProcess, "fast"
 * box score): binarize, take 8-connected regions, fit each a minimum-area rectangle, keep those
 * scoring above boxThreshold, grow them by the unclip ratio, and map them to source pixels.
 * Results are ordered top to bottom, then left to right.
 */
export function decodeDbText(probability: TensorView, options: DbOptions): TextRegion[] {
  const t = options.transform;
  const height = probability.dims[2] ?? 0;
  const width = probability.dims[3] ?? 0;
  const map = readNumbers(probability, "DB text map", [1, 1, null, null]);
  if (width !== t.inputWidth || height !== t.inputHeight) {
    throw new EdgelensError("INVALID_PAYLOAD", `DB text map is ${width}x${height} but the model input was ${t.inputWidth}x${t.inputHeight}`);
  }
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const ratio = options.unclipRatio ?? 1.5;
  const minSize = options.minSize ?? 3;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = (map[i] as number) > threshold ? 1 : 0;
  const components = labelComponents(mask, width, height, minSize)
    .sort((a, b) => b.area - a.area)
    .slice(0, options.maxCandidates ?? 1000);
  const regions: TextRegion[] = [];
  for (const c of components) {
    const points: Vec2[] = [];
    // Pixel centres: pixel i covers [i, i+1).
    for (let i = 0; i < c.outline.length; i += 2) points.push([(c.outline[i] as number) + 0.5, (c.outline[i + 1] as number) + 0.5]);
    const rect = minAreaRect(points);
    if (Math.min(rect.width, rect.height) < minSize) continue;
    const score = boxScore(map, width, height, rect);
    if (score < boxThreshold) continue;
    const grown = unclipRect(rect, ratio);
    if (Math.min(grown.width, grown.height) < minSize + 2) continue;
    const polygon = rectCorners(grown).map(([x, y]) => {
      const [sx, sy] = toSourcePoint(t, x, y);
      return [Math.min(Math.max(sx, 0), t.sourceWidth), Math.min(Math.max(sy, 0), t.sourceHeight)] as [number, number];
    });
    const xs = polygon.map((p) => p[0]);
    const ys = polygon.map((p) => p[1]);
    regions.push({ box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], polygon, score: Math.min(1, score) });
  }
  return regions.sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}
