import type { Detection } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { toSourceBox, type FrameTransform } from "../preprocess/frame-transform";
import { nonMaxSuppression } from "./nms";
import { readNumbers, type TensorView } from "./tensor-view";

export interface CenterNetOptions {
  /** Class names by class index (COCO_LABELS for the sample model). */
  labels: readonly string[];
  /** The transform that produced the model input. */
  transform: FrameTransform;
  /** Default 0.3: the sample model's true detections score ~0.3–0.7 (MODELS.md). */
  scoreThreshold?: number;
  /** Class-aware NMS IoU threshold, default 0.5; `null` keeps the model's peaks as they are. */
  iouThreshold?: number | null;
  maxResults?: number;
}

/**
 * Decodes CenterNet's `[1,N,6]` detections (x1, y1, x2, y2 in input pixels, score, class index)
 * into detections in source-frame pixels. The model's peaks are per class, so one object can come
 * out under two classes (car and truck): the NMS is class-aware and keeps both.
 */
export function decodeCenterNet(output: TensorView, options: CenterNetOptions): Detection[] {
  const data = readNumbers(output, "CenterNet detections", [1, null, 6]);
  const count = output.dims[1] ?? 0;
  const threshold = options.scoreThreshold ?? 0.3;
  const found: Detection[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * 6;
    const score = data[o + 4] as number;
    if (!(score >= threshold)) continue;
    const classId = Math.round(data[o + 5] as number);
    const label = options.labels[classId];
    if (label === undefined) {
      throw new EdgelensError("INVALID_PAYLOAD", `CenterNet class index ${classId} has no label (${options.labels.length} labels): wrong label list for this model?`);
    }
    const box = toSourceBox(options.transform, [data[o] as number, data[o + 1] as number, data[o + 2] as number, data[o + 3] as number]);
    if (box[2] <= box[0] || box[3] <= box[1]) continue;
    found.push({ label, classId, score: Math.min(1, score), box });
  }
  if (options.iouThreshold === null) return found.sort((a, b) => b.score - a.score).slice(0, options.maxResults);
  return nonMaxSuppression(found, { iouThreshold: options.iouThreshold ?? 0.5, classAware: true, maxResults: options.maxResults });
}
