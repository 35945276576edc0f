import type { Detection } from "@edgelens/shared/schemas";
import type { RgbImage } from "../image/index";
import { COCO_LABELS } from "../models/index";
import type { ModelRunner, TensorLike } from "../onnx/model-runner";
import { boxIou, decodeBlazeFace, decodeCenterNet, decodeMoveNet } from "../postprocess/index";
import type { FrameTransform } from "../preprocess/index";
import type { ImageInputProfile } from "./image-feeds";

/** How far the int8 model's results are from the float model's, over a set of images. */
export interface AccuracyReport {
  kind: ImageInputProfile["kind"];
  images: number;
  /** Detectors: float boxes scoring >= minScore, and how many int8 boxes match them. */
  referenceBoxes?: number;
  matchedBoxes?: number;
  boxMatchRate?: number;
  /** Detectors: every image's label set (score >= minScore) is the same in both. */
  sameLabels?: boolean;
  labelDifferences?: string[];
  /** MoveNet: mean keypoint distance as a share of the image diagonal, for confident keypoints. */
  keypointError?: number;
  /** Every model: RMS difference of the outputs relative to the float outputs' RMS (worst output). */
  outputRelError: number;
  minScore: number;
  iou: number;
}

export interface AccuracyOptions {
  /** Default 0.3. */
  minScore?: number;
  /** Default 0.7. */
  iou?: number;
}

function relError(a: TensorLike, b: TensorLike): number {
  let err = 0;
  let ref = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const d = x - Number(b.data[i]);
    err += d * d;
    ref += x * x;
  }
  return ref > 0 ? Math.sqrt(err / ref) : Math.sqrt(err);
}

function detect(kind: ImageInputProfile["kind"], out: Record<string, TensorLike>, transform: FrameTransform, minScore: number): Detection[] | undefined {
  if (kind === "centernet") {
    const key = Object.keys(out).find((k) => k.endsWith("detections")) ?? "";
    const t = out[key];
    return t ? decodeCenterNet(t, { labels: COCO_LABELS, transform, scoreThreshold: minScore }) : undefined;
  }
  if (kind === "blazeface") return decodeBlazeFace(out, { transform, scoreThreshold: Math.max(minScore, 0.5) });
  return undefined;
}

function matchBoxes(ref: Detection[], got: Detection[], iou: number): number {
  const used = new Set<number>();
  let matched = 0;
  for (const r of ref) {
    const j = got.findIndex((g, k) => !used.has(k) && g.label === r.label && boxIou(g.box, r.box) >= iou);
    if (j >= 0) {
      used.add(j);
      matched++;
    }
  }
  return matched;
}

/** Runs both models on each frame through the profile's preprocessing and compares. */
export async function compareAccuracy(float: ModelRunner, int8: ModelRunner, profile: ImageInputProfile, frames: RgbImage[], opts: AccuracyOptions = {}): Promise<AccuracyReport> {
  const minScore = opts.minScore ?? 0.3;
  const iou = opts.iou ?? 0.7;
  const report: AccuracyReport = { kind: profile.kind, images: frames.length, outputRelError: 0, minScore, iou };
  let refBoxes = 0;
  let matched = 0;
  const labelDiffs: string[] = [];
  let kpSum = 0;
  let kpCount = 0;
  for (const [i, frame] of frames.entries()) {
    const { feed, transform } = profile.toFeed(frame);
    const a = await float.run(feed);
    const b = await int8.run(feed);
    for (const k of Object.keys(a)) if (b[k]) report.outputRelError = Math.max(report.outputRelError, relError(a[k] as TensorLike, b[k] as TensorLike));
    const da = detect(profile.kind, a, transform, minScore);
    const db = detect(profile.kind, b, transform, minScore);
    if (da && db) {
      refBoxes += da.length;
      matched += matchBoxes(da, db, iou);
      const la = [...new Set(da.map((d) => d.label))].sort().join(",");
      const lb = [...new Set(db.map((d) => d.label))].sort().join(",");
      if (la !== lb) labelDiffs.push(`image ${i + 1}: float [${la}] int8 [${lb}]`);
    }
    if (profile.kind === "movenet") {
      const out = Object.values(a)[0] as TensorLike;
      const [pa] = decodeMoveNet(out, { transform });
      const [pb] = decodeMoveNet(b[Object.keys(a)[0] as string] as TensorLike, { transform });
      const diag = Math.hypot(frame.width, frame.height);
      for (const [k, kp] of (pa?.keypoints ?? []).entries()) {
        const other = pb?.keypoints[k];
        if (!other || kp.score < minScore) continue;
        kpSum += Math.hypot(kp.x - other.x, kp.y - other.y) / diag;
        kpCount++;
      }
    }
  }
  if (profile.kind === "centernet" || profile.kind === "blazeface") {
    Object.assign(report, { referenceBoxes: refBoxes, matchedBoxes: matched, boxMatchRate: refBoxes ? matched / refBoxes : 1, sameLabels: labelDiffs.length === 0, labelDifferences: labelDiffs });
  }
  if (profile.kind === "movenet") report.keypointError = kpCount ? kpSum / kpCount : 0;
  return report;
}
