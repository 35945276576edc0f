import type { Detection } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { toSourceBox, toSourcePoint, type FrameTransform } from "../preprocess/frame-transform";
import { nonMaxSuppression, weightedNonMaxSuppression } from "./nms";
import { BLAZEFACE_BACK_ANCHORS, generateSsdAnchors, type Anchor, type SsdAnchorOptions, type SsdAnchors } from "./ssd-anchors";
import { readNumbers, type TensorView } from "./tensor-view";

/** BlazeFace's six landmarks in regressor order (MediaPipe face_detection). */
export const BLAZEFACE_LANDMARKS = ["right_eye", "left_eye", "nose_tip", "mouth_center", "right_ear_tragion", "left_ear_tragion"] as const;

export interface FaceDetection extends Detection {
  landmarks: { name: string; x: number; y: number }[];
}

export interface BlazeFaceOptions {
  transform: FrameTransform;
  /** Default 0.5 (MediaPipe uses 0.65 on its letterboxed input). */
  scoreThreshold?: number;
  /** Default 0.3, MediaPipe's. */
  iouThreshold?: number;
  /** "weighted" (MediaPipe's, default) or "hard". */
  nms?: "weighted" | "hard";
  maxResults?: number;
  /** Default BLAZEFACE_BACK_ANCHORS. */
  anchors?: SsdAnchorOptions;
}

const COORDS = 4 + 2 * BLAZEFACE_LANDMARKS.length;
// MediaPipe's score_clipping_thresh: keeps exp() finite on wild logits.
const LOGIT_CLIP = 100;

const anchorCache = new WeakMap<SsdAnchorOptions, SsdAnchors>();

function anchorsFor(o: SsdAnchorOptions): SsdAnchors {
  let hit = anchorCache.get(o);
  if (!hit) {
    hit = generateSsdAnchors(o);
    anchorCache.set(o, hit);
  }
  return hit;
}

/** Finds the score and regressor heads (any names) by their sizes and joins them in anchor order. */
function collectHeads(outputs: Record<string, TensorView>, groups: number[]): { scores: ArrayLike<number>[]; boxes: ArrayLike<number>[] } {
  const scores: ArrayLike<number>[] = [];
  const boxes: ArrayLike<number>[] = [];
  const all = Object.entries(outputs);
  for (const n of groups) {
    const s = all.find(([, t]) => t.dims[1] === n && t.dims[2] === 1);
    const b = all.find(([, t]) => t.dims[1] === n && t.dims[2] === COORDS);
    if (!s || !b) {
      const seen = all.map(([k, t]) => `${k} [${t.dims.join(",")}]`).join(", ");
      throw new EdgelensError("INVALID_PAYLOAD", `BlazeFace: expected heads [1,${n},1] and [1,${n},${COORDS}] among the outputs, got ${seen}`);
    }
    scores.push(readNumbers(s[1], `BlazeFace scores ${s[0]}`, [1, n, 1]));
    boxes.push(readNumbers(b[1], `BlazeFace boxes ${b[0]}`, [1, n, COORDS]));
  }
  return { scores, boxes };
}

/**
 * Decodes BlazeFace's raw heads (sigmoid scores; centre, size and 6 landmarks relative to the SSD
 * anchors, in input pixels) into faces in source-frame pixels, following MediaPipe's
 * TensorsToDetectionsCalculator with the face detector's options (reverse_output_order, scales =
 * input size).
 */
export function decodeBlazeFace(outputs: Record<string, TensorView>, options: BlazeFaceOptions): FaceDetection[] {
  const cfg = options.anchors ?? BLAZEFACE_BACK_ANCHORS;
  const { anchors, groupSizes: groups } = anchorsFor(cfg);
  const { scores, boxes } = collectHeads(outputs, groups);
  const threshold = options.scoreThreshold ?? 0.5;
  const logitThreshold = Math.log(threshold / (1 - threshold));
  const sx = cfg.inputWidth;
  const sy = cfg.inputHeight;
  const candidates: { score: number; box: number[]; values: number[] }[] = [];
  let a = 0;
  for (let g = 0; g < groups.length; g++) {
    const s = scores[g] as ArrayLike<number>;
    const r = boxes[g] as ArrayLike<number>;
    const n = groups[g] as number;
    for (let i = 0; i < n; i++, a++) {
      const logit = Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, s[i] as number));
      if (logit < logitThreshold) continue;
      const anchor = anchors[a] as Anchor;
      const o = i * COORDS;
      const cx = ((r[o] as number) / sx) * anchor.w + anchor.x;
      const cy = ((r[o + 1] as number) / sy) * anchor.h + anchor.y;
      const w = ((r[o + 2] as number) / sx) * anchor.w;
      const h = ((r[o + 3] as number) / sy) * anchor.h;
      // Everything in input pixels from here on.
      const values = [(cx - w / 2) * sx, (cy - h / 2) * sy, (cx + w / 2) * sx, (cy + h / 2) * sy];
      for (let k = 0; k < BLAZEFACE_LANDMARKS.length; k++) {
        values.push((((r[o + 4 + 2 * k] as number) / sx) * anchor.w + anchor.x) * sx);
        values.push((((r[o + 5 + 2 * k] as number) / sy) * anchor.h + anchor.y) * sy);
      }
      candidates.push({ score: 1 / (1 + Math.exp(-logit)), box: values.slice(0, 4), values });
    }
  }
  const iou = options.iouThreshold ?? 0.3;
  const kept =
    options.nms === "hard"
      ? nonMaxSuppression(candidates, { iouThreshold: iou, classAware: false, maxResults: options.maxResults })
      : weightedNonMaxSuppression(candidates, iou, options.maxResults);
  const t = options.transform;
  return kept.map(({ score, values }) => {
    const landmarks = BLAZEFACE_LANDMARKS.map((name, k) => {
      const [x, y] = toSourcePoint(t, values[4 + 2 * k] as number, values[5 + 2 * k] as number);
      return { name, x, y };
    });
    return { label: "face", classId: 0, score: Math.min(1, score), box: toSourceBox(t, values.slice(0, 4)), landmarks };
  });
}
