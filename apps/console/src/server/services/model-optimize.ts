/** `model optimize --int8`: a quantised version of a model, calibrated on photos, stored as a new version. */
import { readFile } from "node:fs/promises";
import { EdgelensError } from "@edgelens/shared";
import { optimizeModelInt8, type AccuracyReport, type CalibrationMethod, type KeepFloat, type RgbImage } from "@edgelens/vision/quantize";
import type { ServiceContext } from "../context";
import { findArtifactFile } from "../storage/artifacts";
import type { JobView, ProgressReporter } from "./job-registry";
import { getJob } from "./jobs";
import { getModel, importOnnxBytes, resolveModelRef, type ModelVersionView } from "./models";

export interface OptimizeRequest {
  /** A model name or id (its latest version), `name@version`, or a model version id. */
  model: string;
  int8: boolean;
  /** A directory of photos, or frames (tests). */
  calibration?: string | RgbImage[];
  keepFloat?: KeepFloat;
  method?: CalibrationMethod;
}

export interface OptimizeResult {
  version: ModelVersionView;
  from: ModelVersionView;
  accuracy: AccuracyReport;
  quantizedConvs: number;
  floatConvs: string[];
  calibrationImages: number;
  /** The int8 ONNX bytes (`--out` writes them). */
  onnx: Uint8Array;
}

// Quantiser stages and their share of the progress bar.
const STAGE_SPAN: Record<string, [number, number]> = {
  prepare: [0, 10],
  calibrate: [10, 70],
  rewrite: [70, 80],
  validate: [80, 85],
  accuracy: [85, 99],
};

/**
 * Quantises the referenced version and records the result as the model's next version (source
 * `int8:<name>@v<n>`). Any failure before the import leaves the model's versions as they were.
 */
export async function optimizeModel(ctx: ServiceContext, req: OptimizeRequest, onProgress: ProgressReporter = () => {}): Promise<OptimizeResult> {
  if (!req.int8) throw new EdgelensError("INVALID_PAYLOAD", "model optimize: choose an optimisation (--int8)", { model: req.model });
  const from = resolveModelRef(ctx, req.model);
  const model = getModel(ctx, from.modelId);
  const file = await findArtifactFile(ctx, from.sha256);
  if (!file) throw new EdgelensError("NOT_FOUND", `the file of model ${model.name} v${from.version} is missing from the store`, { model: model.name });
  const bytes = new Uint8Array(await readFile(file.path));
  onProgress("prepare", 0);
  const result = await optimizeModelInt8(bytes, {
    name: `${model.name}@${from.version}`,
    ...(req.calibration !== undefined ? { calibration: req.calibration } : {}),
    ...(req.keepFloat ? { keepFloat: req.keepFloat } : {}),
    ...(req.method ? { method: req.method } : {}),
    onProgress: (p) => {
      const [lo, hi] = STAGE_SPAN[p.stage] ?? [0, 100];
      onProgress(p.stage, lo + ((hi - lo) * p.done) / Math.max(1, p.total));
    },
  });
  const version = await importOnnxBytes(ctx, { name: model.name, source: `int8:${model.name}@v${from.version}`, format: "onnx", labels: from.labels }, result.onnx);
  onProgress("done", 100);
  return { version, from, accuracy: result.accuracy, quantizedConvs: result.quantizedConvs, floatConvs: result.floatConvs, calibrationImages: result.calibrationImages, onnx: result.onnx };
}

/** The console's "Optimize" action: the same work as a background job the page polls. */
export function startModelOptimize(ctx: ServiceContext, req: OptimizeRequest): JobView {
  resolveModelRef(ctx, req.model);
  const job = ctx.jobs.start("model-optimize", async (report) => {
    const { onnx: _onnx, ...rest } = await optimizeModel(ctx, req, report);
    return rest;
  });
  return getJob(ctx, job.id);
}
