import { EdgelensError } from "@edgelens/shared/errors";
import type { RgbImage } from "../image/index";
import { createOrtModelRunner } from "../onnx/ort-runner";
import { inspectOnnx } from "../onnx/inspect";
import { decodeOnnxModel, encodeOnnxModel } from "../onnx/onnx-proto";
import { compareAccuracy, type AccuracyReport } from "./accuracy";
import { framesToFeeds, imageInputProfile, listCalibrationImages, loadFrames } from "./image-feeds";
import type { CalibrationMethod } from "./calibrate";
import type { KeepFloat } from "./plan";
import { checkModelQuantizable, quantizeModel, QUANTIZER_VERSION, type QuantizeProgress } from "./quantize-model";

export interface OptimizeInt8Options {
  /** Shown in errors and progress. */
  name: string;
  /** A directory of calibration photos, or frames already decoded. */
  calibration?: string | RgbImage[];
  keepFloat?: KeepFloat;
  method?: CalibrationMethod;
  equalize?: boolean;
  passThrough?: boolean;
  depthwise?: boolean;
  onProgress?: (p: QuantizeProgress | { stage: "accuracy"; done: number; total: number }) => void;
}

export interface OptimizeInt8Result {
  onnx: Uint8Array;
  accuracy: AccuracyReport;
  quantizedConvs: number;
  floatConvs: string[];
  calibrationImages: number;
  method: CalibrationMethod;
}

/** The metadata_props key the int8 file carries its provenance and accuracy under. */
export const QUANTIZATION_METADATA_KEY = "edgelens.quantization";

/**
 * `model optimize --int8`: calibrates on photos through the model's own preprocessing, writes a
 * QDQ int8 model, and measures it against the float model on the same photos.
 */
export async function optimizeModelInt8(bytes: Uint8Array, opts: OptimizeInt8Options): Promise<OptimizeInt8Result> {
  if (opts.calibration === undefined || (Array.isArray(opts.calibration) && opts.calibration.length === 0)) {
    throw new EdgelensError("INVALID_PAYLOAD", `model "${opts.name}": no calibration images and no sample inputs to calibrate int8 ranges on (give --calibration <dir of images>)`, { model: opts.name });
  }
  checkModelQuantizable(bytes, opts.name);
  const inspection = await inspectOnnx(bytes);
  const profile = imageInputProfile(inspection.inputs, opts.name);
  const frames = typeof opts.calibration === "string" ? await loadFrames(await listCalibrationImages(opts.calibration, opts.name)) : opts.calibration;
  const method = opts.method ?? "mse";
  const keepFloat = opts.keepFloat ?? "first-last";
  const provenance = { quantizer: QUANTIZER_VERSION, scheme: "qdq-u8s8-per-channel", method, keepFloat, calibrationImages: frames.length };
  const q = await quantizeModel(bytes, {
    name: opts.name,
    feeds: framesToFeeds(profile, frames),
    keepFloat,
    method,
    ...(opts.equalize !== undefined ? { equalize: opts.equalize } : {}),
    ...(opts.passThrough !== undefined ? { passThrough: opts.passThrough } : {}),
    ...(opts.depthwise !== undefined ? { depthwise: opts.depthwise } : {}),
    metadata: { [QUANTIZATION_METADATA_KEY]: JSON.stringify(provenance) },
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  opts.onProgress?.({ stage: "accuracy", done: 0, total: frames.length });
  const float = await createOrtModelRunner(bytes, { name: opts.name, threads: 1 });
  const int8 = await createOrtModelRunner(q.onnx, { name: `${opts.name} (int8)`, threads: 1 });
  try {
    const accuracy = await compareAccuracy(float, int8, profile, frames);
    opts.onProgress?.({ stage: "accuracy", done: frames.length, total: frames.length });
    // The file carries its own accuracy so that a copy (--out) still says what it was measured at.
    const model = decodeOnnxModel(q.onnx);
    const meta = (model.metadataProps ?? []).filter((p) => p.key !== QUANTIZATION_METADATA_KEY);
    model.metadataProps = [...meta, { key: QUANTIZATION_METADATA_KEY, value: JSON.stringify({ ...provenance, accuracy }) }];
    return { onnx: encodeOnnxModel(model), accuracy, quantizedConvs: q.quantizedConvs, floatConvs: q.floatConvs, calibrationImages: frames.length, method };
  } finally {
    await float.dispose();
    await int8.dispose();
  }
}
