import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";
import { encodeOnnxModel, OnnxDataType, type OnnxModelProto } from "../onnx/onnx-proto";
import type { TensorLike } from "../onnx/model-runner";
import type { Range } from "./tensor-params";

export type CalibrationMethod = "minmax" | "percentile" | "mse";

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** For "percentile": the share of values inside the range, default 0.99999. */
  percentile?: number;
  onImage?: (done: number, total: number) => void;
}

/** A float graph with every tensor in `tensors` added as an output, so one run shows them all. */
function augment(model: OnnxModelProto, tensors: Iterable<string>): Uint8Array {
  const existing = new Set(model.graph.output.map((o) => o.name));
  const extra = [...tensors].filter((t) => !existing.has(t)).map((name) => ({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT } } }));
  return encodeOnnxModel({ ...model, graph: { ...model.graph, output: [...model.graph.output, ...extra] } });
}

/** The low and high tails cut at `share` by a sort of a strided sample: cheap and close. */
function percentileRange(data: Float32Array, share: number): Range {
  const sample = sortedSample(data, 200_000);
  const cut = Math.floor((1 - share) * (sample.length - 1));
  return { min: sample[cut] as number, max: sample[sample.length - 1 - cut] as number };
}

function sortedSample(data: Float32Array, size: number): Float32Array {
  const step = Math.max(1, Math.floor(data.length / size));
  const sample = new Float32Array(Math.ceil(data.length / step));
  for (let i = 0, j = 0; i < data.length; i += step, j++) sample[j] = data[i] as number;
  return sample.sort();
}

/**
 * The range whose uint8 grid gives the least squared error (rounding inside plus clipping
 * outside) on a sample: heavy-tailed activations (MobileNet's folded BatchNorm channels) lose far
 * less than with min/max, where a few outliers stretch the step for everything else.
 */
function mseRange(data: Float32Array): Range {
  const s = sortedSample(data, 16_384);
  const lo = Math.min(0, s[0] as number);
  const hi = Math.max(0, s[s.length - 1] as number);
  let best = { min: lo, max: hi };
  let bestErr = Infinity;
  for (let k = 0; k < 32; k++) {
    const f = 1 - k / 40;
    const min = lo * (lo < 0 ? Math.min(1, f * 1.5) : 1);
    const max = hi * f;
    const step = (max - min) / 255 || 1;
    let err = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      const c = v < min ? min : v > max ? max : v;
      const q = min + Math.round((c - min) / step) * step;
      err += (v - q) * (v - q);
    }
    if (err < bestErr) {
      bestErr = err;
      best = { min, max };
    }
  }
  return best;
}

function minMax(data: Float32Array): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Runs the float model on each calibration feed and records every listed activation's range
 * (min/max, or percentile tails averaged over images).
 */
export async function calibrateRanges(model: OnnxModelProto, tensors: Set<string>, feeds: Record<string, TensorLike>[], opts: CalibrationOptions = {}): Promise<Map<string, Range>> {
  if (feeds.length === 0) throw new EdgelensError("INVALID_PAYLOAD", "int8 calibration needs at least one input", {});
  const graphInputs = new Set(model.graph.input.map((i) => i.name));
  const outputs = [...tensors].filter((t) => !graphInputs.has(t));
  const session = await ort.InferenceSession.create(augment(model, outputs), { graphOptimizationLevel: "basic", intraOpNumThreads: 1 });
  const ranges = new Map<string, Range>();
  try {
    for (const [n, feed] of feeds.entries()) {
      const ortFeeds = Object.fromEntries(Object.entries(feed).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as never, t.dims)]));
      const out = await session.run(ortFeeds);
      for (const name of tensors) {
        const t = out[name] ?? feed[name];
        if (!t || !(t.data instanceof Float32Array)) continue;
        const data = t.data as Float32Array;
        const r = opts.method === "percentile" ? percentileRange(data, opts.percentile ?? 0.99999) : opts.method === "mse" ? mseRange(data) : minMax(data);
        const prev = ranges.get(name);
        if (!prev) ranges.set(name, r);
        else if (opts.method === "percentile" || opts.method === "mse") ranges.set(name, { min: prev.min + (r.min - prev.min) / (n + 1), max: prev.max + (r.max - prev.max) / (n + 1) });
        else ranges.set(name, { min: Math.min(prev.min, r.min), max: Math.max(prev.max, r.max) });
      }
      opts.onImage?.(n + 1, feeds.length);
    }
  } finally {
    await session.release();
  }
  return ranges;
}
