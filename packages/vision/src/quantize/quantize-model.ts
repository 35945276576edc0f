import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";
import type { TensorLike } from "../onnx/model-runner";
import { decodeOnnxModel, encodeOnnxModel, type OnnxModelProto } from "../onnx/onnx-proto";
import { calibrateRanges, type CalibrationMethod } from "./calibrate";
import { equalizeConvPairs } from "./equalize";
import { fuseHardSwish } from "./fuse-hard-swish";
import { optimizeFloatModel } from "./optimize-float";
import { checkQuantizable, planQuantization, type KeepFloat } from "./plan";
import { rewriteQdq } from "./rewrite";

export const QUANTIZER_VERSION = "1";

export interface QuantizeProgress {
  stage: "prepare" | "calibrate" | "rewrite" | "validate";
  done: number;
  total: number;
}

export interface QuantizeOptions {
  /** Shown in errors. */
  name: string;
  /** Model inputs made from the calibration images by the model's own preprocessing. */
  feeds: Record<string, TensorLike>[];
  keepFloat?: KeepFloat;
  method?: CalibrationMethod;
  /** Quantise Add/Concat/MaxPool between quantised Convs too (default off: costs CenterNet its 0.3-score boxes). */
  passThrough?: boolean;
  /** Quantise depthwise Convs (default off: they carry most of MobileNetV3's int8 error and little of its time). */
  depthwise?: boolean;
  /** Cross-layer equalisation before calibration (default on). */
  equalize?: boolean;
  /** Extra ONNX metadata_props for the new file. */
  metadata?: Record<string, string>;
  onProgress?: (p: QuantizeProgress) => void;
}

export interface QuantizeResult {
  onnx: Uint8Array;
  quantizedConvs: number;
  floatConvs: string[];
  quantizedOthers: number;
  qdqPairs: number;
}

function decode(bytes: Uint8Array, name: string): OnnxModelProto {
  try {
    return decodeOnnxModel(bytes);
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `model "${name}" is not an ONNX model: ${(err as Error).message}`, { model: name }, { cause: err });
  }
}

/** Decodes and rejects what the quantiser cannot handle (dynamic shapes, ops it would lose). */
export function checkModelQuantizable(bytes: Uint8Array, name: string): OnnxModelProto {
  const model = decode(bytes, name);
  checkQuantizable(model, name);
  return model;
}

/** Static QDQ int8 quantisation of a float ONNX model, calibrated on `feeds`. */
export async function quantizeModel(bytes: Uint8Array, opts: QuantizeOptions): Promise<QuantizeResult> {
  const progress = opts.onProgress ?? (() => undefined);
  progress({ stage: "prepare", done: 0, total: 1 });
  const original = checkModelQuantizable(bytes, opts.name);
  if (opts.feeds.length === 0) {
    throw new EdgelensError("INVALID_PAYLOAD", `model "${opts.name}": no calibration images and no sample inputs to calibrate int8 ranges on`, { model: opts.name });
  }
  const model = decode(await optimizeFloatModel(bytes, opts.name), opts.name);
  fuseHardSwish(model);
  if (opts.equalize !== false) equalizeConvPairs(model);
  const plan = planQuantization(model, opts.keepFloat ?? "none", opts.passThrough ?? false, opts.depthwise ?? false);
  progress({ stage: "prepare", done: 1, total: 1 });
  const ranges = await calibrateRanges(model, plan.tensors, opts.feeds, {
    ...(opts.method ? { method: opts.method } : {}),
    onImage: (done, total) => progress({ stage: "calibrate", done, total }),
  });
  progress({ stage: "rewrite", done: 0, total: 1 });
  const quantized = rewriteQdq(model, plan, ranges);
  const metadata = { ...Object.fromEntries((original.metadataProps ?? []).map((p) => [p.key, p.value])), ...opts.metadata };
  quantized.producerName = "edgelens-quantize";
  quantized.producerVersion = QUANTIZER_VERSION;
  quantized.metadataProps = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  const onnx = encodeOnnxModel(quantized);
  progress({ stage: "rewrite", done: 1, total: 1 });
  progress({ stage: "validate", done: 0, total: 1 });
  try {
    const session = await ort.InferenceSession.create(onnx, { graphOptimizationLevel: "all", intraOpNumThreads: 1 });
    await session.release();
  } catch (err) {
    throw new EdgelensError("INTERNAL", `the int8 model of "${opts.name}" does not load: ${(err as Error).message}`, { model: opts.name }, { cause: err });
  }
  progress({ stage: "validate", done: 1, total: 1 });
  return { onnx, quantizedConvs: plan.convs.length, floatConvs: plan.keptFloat, quantizedOthers: plan.others.length, qdqPairs: plan.tensors.size };
}
