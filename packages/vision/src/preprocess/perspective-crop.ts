import { EdgelensError } from "@edgelens/shared/errors";
import { assertRgbImage, type RgbImage } from "../image/rgb-image";
import { rotateImage } from "./rotate-image";

/** A point as [x, y] in continuous pixels (pixel i covers [i, i+1)). */
export type QuadPoint = readonly [number, number];
/** Four corners: top-left, top-right, bottom-right, bottom-left of what they enclose. */
export type Quad = readonly [QuadPoint, QuadPoint, QuadPoint, QuadPoint];

/** Row-major 3x3 homography H: [x', y', w] = H [x, y, 1]. */
export type Homography = [number, number, number, number, number, number, number, number, number];

function notQuad(what: string): EdgelensError {
  return new EdgelensError("INVALID_PAYLOAD", `${what}: expected 4 corners [[x, y], ...] of finite numbers, spanning some area`);
}

function assertQuad(quad: readonly (readonly number[])[], what: string): asserts quad is Quad {
  if (!Array.isArray(quad) || quad.length !== 4 || quad.some((p) => !Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite))) throw notQuad(what);
}

/** Solves A x = b (n x n, row-major) by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-12) return null;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    [b[c], b[pivot]] = [b[pivot]!, b[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** The homography that maps each corner of `from` onto the same corner of `to` (OpenCV's getPerspectiveTransform). */
export function perspectiveTransform(from: Quad, to: Quad): Homography {
  assertQuad(from, "perspective source");
  assertQuad(to, "perspective target");
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solve(a, b);
  if (!h) throw notQuad("perspective transform (three corners on a line)");
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/**
 * The quadrilateral `quad` of `image`, straightened into a `width x height` rectangle: each output
 * pixel samples (bilinear, edges replicated) where the homography puts it, like OpenCV's
 * warpPerspective with BORDER_REPLICATE. A rotated or slanted text line comes out level.
 */
export function warpQuad(image: RgbImage, quad: Quad, width: number, height: number): RgbImage {
  assertRgbImage(image, "image");
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new EdgelensError("INVALID_PAYLOAD", `warpQuad: width and height must be positive integers, got ${width}x${height}`);
  }
  const m = perspectiveTransform([[0, 0], [width, 0], [width, height], [0, height]], quad);
  const out = new Uint8Array(width * height * 3);
  const src = image.data;
  const lastX = image.width - 1;
  const lastY = image.height - 1;
  const stride = image.width * 3;
  for (let y = 0; y < height; y++) {
    const oy = y + 0.5;
    for (let x = 0; x < width; x++) {
      const ox = x + 0.5;
      const w = m[6] * ox + m[7] * oy + m[8];
      // Back to pixel-index coordinates (centre of pixel i at i), clamped: edges replicate.
      const sx = Math.min(Math.max((m[0] * ox + m[1] * oy + m[2]) / w - 0.5, 0), lastX);
      const sy = Math.min(Math.max((m[3] * ox + m[4] * oy + m[5]) / w - 0.5, 0), lastY);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = y0 * stride + x0 * 3;
      const i01 = x0 < lastX ? i00 + 3 : i00;
      const i10 = y0 < lastY ? i00 + stride : i00;
      const i11 = x0 < lastX ? i10 + 3 : i10;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c]! + (src[i01 + c]! - src[i00 + c]!) * fx;
        const bottom = src[i10 + c]! + (src[i11 + c]! - src[i10 + c]!) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height };
}

const distance = (a: QuadPoint, b: QuadPoint) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/**
 * A detected text line (its polygon: top-left, top-right, bottom-right, bottom-left, as
 * decodeDbText gives them) cut out level at its own size, PaddleOCR's get_rotate_crop_image: a
 * line tilted by some degrees comes out horizontal. A crop at least 1.5 times taller than wide
 * is vertical text and is turned a quarter counter-clockwise.
 */
export function cropTextLine(frame: RgbImage, polygon: readonly (readonly number[])[]): RgbImage {
  assertQuad(polygon, "text line polygon");
  const [tl, tr, br, bl] = polygon;
  const width = Math.round(Math.max(distance(tl, tr), distance(bl, br)));
  const height = Math.round(Math.max(distance(tl, bl), distance(tr, br)));
  if (width < 1 || height < 1) throw notQuad("text line polygon");
  const crop = warpQuad(frame, polygon, width, height);
  return height / width >= 1.5 ? rotateImage(crop, 1) : crop;
}
