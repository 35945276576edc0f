import type { Box } from "@edgelens/shared/schemas";

/**
 * How a source frame was turned into a model input, so model coordinates can be mapped back:
 * `input = pad + (source - crop) * scale` on each axis. Coordinates are continuous pixels
 * (pixel i covers [i, i+1)), the convention boxes use.
 */
export interface FrameTransform {
  sourceWidth: number;
  sourceHeight: number;
  inputWidth: number;
  inputHeight: number;
  /** Top-left of the source region that was resized, in source pixels (0 without a crop). */
  cropX: number;
  cropY: number;
  /** Input pixels per source pixel. */
  scaleX: number;
  scaleY: number;
  /** Input pixels of padding before the image (letterbox), 0 for a plain resize. */
  padX: number;
  padY: number;
}

/** Model-input pixel coordinates to source-frame pixels (not clamped). */
export function toSourcePoint(t: FrameTransform, x: number, y: number): [number, number] {
  return [t.cropX + (x - t.padX) / t.scaleX, t.cropY + (y - t.padY) / t.scaleY];
}

/** Source-frame pixel coordinates to model-input pixels. */
export function toInputPoint(t: FrameTransform, x: number, y: number): [number, number] {
  return [t.padX + (x - t.cropX) * t.scaleX, t.padY + (y - t.cropY) * t.scaleY];
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** A model-input box `[x1,y1,x2,y2]` to source pixels, clamped to the frame unless `clampToFrame` is false. */
export function toSourceBox(t: FrameTransform, box: readonly number[], clampToFrame = true): Box {
  const [x1, y1] = toSourcePoint(t, box[0] ?? 0, box[1] ?? 0);
  const [x2, y2] = toSourcePoint(t, box[2] ?? 0, box[3] ?? 0);
  if (!clampToFrame) return [x1, y1, x2, y2];
  return [clamp(x1, 0, t.sourceWidth), clamp(y1, 0, t.sourceHeight), clamp(x2, 0, t.sourceWidth), clamp(y2, 0, t.sourceHeight)];
}
