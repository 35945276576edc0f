import type { Pose } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { MOVENET_KEYPOINTS } from "../models/movenet-keypoints";
import { toSourcePoint, type FrameTransform } from "../preprocess/frame-transform";
import { readNumbers, type TensorView } from "./tensor-view";

/** The COCO skeleton as pairs of keypoint indexes (MOVENET_KEYPOINTS order), for drawing. */
export const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [1, 3], [2, 4], // face
  [5, 6], [5, 7], [7, 9], [6, 8], [8, 10], // shoulders and arms
  [5, 11], [6, 12], [11, 12], // torso
  [11, 13], [13, 15], [12, 14], [14, 16], // legs
];

export interface MoveNetOptions {
  transform: FrameTransform;
  /** Keypoint names in output order; default MOVENET_KEYPOINTS (COCO names). */
  names?: readonly string[];
  /** Poses scoring below this (mean keypoint score) are dropped. Default 0. */
  minScore?: number;
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/**
 * Decodes MoveNet SinglePose's `[1,1,K,3]` (y, x as 0..1 of the input, score) into a pose in
 * source-frame pixels, clamped to the frame. The pose score is the mean keypoint score. Returns
 * an empty list when the pose scores below `minScore`.
 */
export function decodeMoveNet(output: TensorView, options: MoveNetOptions): Pose[] {
  const names = options.names ?? MOVENET_KEYPOINTS;
  const data = readNumbers(output, "MoveNet keypoints", [1, 1, names.length, 3]);
  const t = options.transform;
  if (names.length === 0) throw new EdgelensError("INVALID_PAYLOAD", "MoveNet: no keypoint names");
  let total = 0;
  const keypoints = names.map((name, k) => {
    const y = (data[k * 3] as number) * t.inputHeight;
    const x = (data[k * 3 + 1] as number) * t.inputWidth;
    const score = clamp(data[k * 3 + 2] as number, 1);
    total += score;
    const [sx, sy] = toSourcePoint(t, x, y);
    return { name, x: clamp(sx, t.sourceWidth), y: clamp(sy, t.sourceHeight), score };
  });
  const score = total / names.length;
  return score >= (options.minScore ?? 0) ? [{ score, keypoints }] : [];
}
