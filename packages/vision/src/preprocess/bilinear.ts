/**
 * The bilinear resampling kernel behind every resize. It runs on every frame, so it works on
 * precomputed per-axis tables and typed arrays only: no allocation or closure per pixel.
 * Sample positions follow the half-pixel-centre convention (OpenCV's INTER_LINEAR, TF's
 * `half_pixel_centers`): output pixel o samples source `start + (o + 0.5) / scale - 0.5`.
 */

export interface SampleAxis {
  /** First source index of each output coordinate (already multiplied by `step`). */
  i0: Int32Array;
  /** Second source index (multiplied by `step`). */
  i1: Int32Array;
  /** Weight of the second sample. */
  w: Float32Array;
}

/**
 * Tables for `length` output coordinates covering source `[start, start + extent)` of an axis
 * with `size` pixels; `step` is the stride of one source pixel along that axis in bytes.
 */
export function sampleAxis(length: number, start: number, extent: number, size: number, step: number): SampleAxis {
  const i0 = new Int32Array(length);
  const i1 = new Int32Array(length);
  const w = new Float32Array(length);
  const inv = extent / length;
  const last = size - 1;
  for (let o = 0; o < length; o++) {
    let u = start + (o + 0.5) * inv - 0.5;
    if (u < 0) u = 0;
    else if (u > last) u = last;
    const f = Math.floor(u);
    i0[o] = f * step;
    i1[o] = (f < last ? f + 1 : last) * step;
    w[o] = u - f;
  }
  return { i0, i1, w };
}

/** Where the kernel writes: element of output (x, y, c) is `offset + y*rowStride + x*pixelStride + c*channelStride`. */
export interface OutputLayout {
  offset: number;
  rowStride: number;
  pixelStride: number;
  channelStride: number;
}

/**
 * Resamples packed RGB `src` (row stride `srcRowBytes`) through `xs`/`ys` into `out`, writing
 * `pixel * a[c] + b[c]`. `swapRB` reads source channels in BGR order. A Uint8ClampedArray output
 * rounds and clamps, which gives a plain 8-bit resize with a = 1, b = 0.
 */
export function resampleRgb(
  src: Uint8Array,
  srcRowBytes: number,
  xs: SampleAxis,
  ys: SampleAxis,
  out: Float32Array | Uint8ClampedArray,
  layout: OutputLayout,
  a: readonly [number, number, number],
  b: readonly [number, number, number],
  swapRB: boolean,
): void {
  const width = xs.i0.length;
  const height = ys.i0.length;
  const { i0: x0s, i1: x1s, w: wxs } = xs;
  const { rowStride, pixelStride: ps, channelStride: cs } = layout;
  const c0 = swapRB ? 2 : 0;
  const c2 = swapRB ? 0 : 2;
  const a0 = a[0], a1 = a[1], a2 = a[2];
  const b0 = b[0], b1 = b[1], b2 = b[2];
  for (let oy = 0; oy < height; oy++) {
    const r0 = (ys.i0[oy] as number) * srcRowBytes;
    const r1 = (ys.i1[oy] as number) * srcRowBytes;
    const wy = ys.w[oy] as number;
    let o = layout.offset + oy * rowStride;
    for (let ox = 0; ox < width; ox++) {
      const xa = x0s[ox] as number;
      const xb = x1s[ox] as number;
      const wx = wxs[ox] as number;
      const p00 = r0 + xa, p01 = r0 + xb, p10 = r1 + xa, p11 = r1 + xb;
      let t = src[p00 + c0] as number;
      let u = src[p10 + c0] as number;
      t += ((src[p01 + c0] as number) - t) * wx;
      u += ((src[p11 + c0] as number) - u) * wx;
      out[o] = (t + (u - t) * wy) * a0 + b0;
      t = src[p00 + 1] as number;
      u = src[p10 + 1] as number;
      t += ((src[p01 + 1] as number) - t) * wx;
      u += ((src[p11 + 1] as number) - u) * wx;
      out[o + cs] = (t + (u - t) * wy) * a1 + b1;
      t = src[p00 + c2] as number;
      u = src[p10 + c2] as number;
      t += ((src[p01 + c2] as number) - t) * wx;
      u += ((src[p11 + c2] as number) - u) * wx;
      out[o + 2 * cs] = (t + (u - t) * wy) * a2 + b2;
      o += ps;
    }
  }
}
