import { EdgelensError } from "@edgelens/shared/errors";
import type { Region } from "../preprocess/geometry";

export interface FaceRegionOptions {
  /** The square's side as a multiple of the box's longer side. Default 1.5: facemesh wants the whole head, forehead to chin, with a margin. */
  scale?: number;
}

/**
 * The square around a detected face that facemesh expects to see (MediaPipe's face-landmark crop:
 * the detection box enlarged and squared about its centre), clipped to the frame, in whole pixels
 * so it can be a `roi`. Letterboxing the clipped square keeps the face's proportions.
 */
export function faceRegion(box: readonly number[], frame: { width: number; height: number }, options: FaceRegionOptions = {}): Region {
  const scale = options.scale ?? 1.5;
  const [x1 = Number.NaN, y1 = Number.NaN, x2 = Number.NaN, y2 = Number.NaN] = box;
  if (box.length !== 4 || ![x1, y1, x2, y2].every(Number.isFinite) || !(x2 > x1 && y2 > y1)) {
    throw new EdgelensError("INVALID_PAYLOAD", `faceRegion: a box is [x1, y1, x2, y2] with x2 > x1 and y2 > y1, got [${box.join(", ")}]`);
  }
  if (!(scale > 0 && Number.isFinite(scale))) throw new EdgelensError("INVALID_PAYLOAD", `faceRegion: scale must be a positive number, got ${scale}`);
  const half = (Math.max(x2 - x1, y2 - y1) * scale) / 2;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const left = Math.max(0, Math.floor(cx - half));
  const top = Math.max(0, Math.floor(cy - half));
  const right = Math.min(frame.width, Math.ceil(cx + half));
  const bottom = Math.min(frame.height, Math.ceil(cy + half));
  if (right - left < 1 || bottom - top < 1) {
    throw new EdgelensError("INVALID_PAYLOAD", `faceRegion: box [${box.join(", ")}] lies outside the ${frame.width}x${frame.height} frame`);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}
