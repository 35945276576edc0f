import { EdgelensError } from "@edgelens/shared/errors";
import { float16ArrayToFloat32 } from "./float16";
import type { TfjsGraphModel, TfjsWeightSpec } from "./tfjs-model";

/** A decoded weight. `half` keeps the stored binary16 bits of a float16-quantized float32 weight. */
export interface WeightTensor {
  name: string;
  dtype: "float32" | "int32" | "bool";
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
  half?: Uint16Array;
}

export type ShardReader = (path: string) => Promise<Uint8Array>;

export interface WeightProgress {
  done: number;
  total: number;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function storedBytesPerElement(spec: TfjsWeightSpec): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = BYTES[stored];
  if (size === undefined) {
    throw new EdgelensError("UNSUPPORTED_OP", `Weight "${spec.name}" has unsupported dtype "${stored}"`, { weight: spec.name });
  }
  return size;
}

/** Copies out an aligned typed view (shard offsets need not be 4-byte aligned). */
function slice(bytes: Uint8Array, offset: number, length: number): ArrayBuffer {
  return bytes.slice(offset, offset + length).buffer;
}

function castToOriginal(values: Float32Array, original: string): Float32Array | Int32Array {
  if (original !== "int32") return values;
  return Int32Array.from(values, (v) => Math.round(v));
}

function decodeWeight(spec: TfjsWeightSpec, bytes: Uint8Array, offset: number): WeightTensor {
  const count = elementCount(spec.shape);
  const byteLength = count * storedBytesPerElement(spec);
  const buffer = slice(bytes, offset, byteLength);
  const q = spec.quantization;
  const original = q?.original_dtype ?? spec.dtype;
  const dtype = original === "int32" ? "int32" : original === "bool" ? "bool" : "float32";
  if (dtype === "float32" && original !== "float32") {
    throw new EdgelensError("UNSUPPORTED_OP", `Weight "${spec.name}" has unsupported dtype "${original}"`, { weight: spec.name });
  }
  const base = { name: spec.name, shape: spec.shape, dtype } as const;
  if (!q) {
    if (dtype === "int32") return { ...base, data: new Int32Array(buffer) };
    if (dtype === "bool") return { ...base, data: new Uint8Array(buffer) };
    return { ...base, data: new Float32Array(buffer) };
  }
  if (q.dtype === "float16") {
    const half = new Uint16Array(buffer);
    const values = float16ArrayToFloat32(half);
    return dtype === "float32" ? { ...base, data: values, half } : { ...base, data: castToOriginal(values, original) };
  }
  // Affine quantization (tfjs-converter --quantize_uint8/uint16): value = q * scale + min.
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  const quantized = q.dtype === "uint8" ? new Uint8Array(buffer) : new Uint16Array(buffer);
  const values = Float32Array.from(quantized, (v) => v * scale + min);
  return { ...base, data: castToOriginal(values, original) };
}

/**
 * Reads every weight group (its shards concatenated in order) and decodes each weight.
 * A missing or short shard fails naming the shard.
 */
export async function loadWeights(
  model: TfjsGraphModel,
  readShard: ShardReader,
  onShard?: (p: WeightProgress) => void,
): Promise<Map<string, WeightTensor>> {
  const out = new Map<string, WeightTensor>();
  const total = model.weightsManifest.reduce((n, g) => n + g.paths.length, 0);
  let done = 0;
  for (const group of model.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const path of group.paths) {
      parts.push(await readShard(path));
      onShard?.({ done: ++done, total });
    }
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    let offset = 0;
    for (const spec of group.weights) {
      const length = elementCount(spec.shape) * storedBytesPerElement(spec);
      if (offset + length > bytes.length) {
        throw new EdgelensError(
          "INVALID_MODEL",
          `Weight shards [${group.paths.join(", ")}] hold ${bytes.length} bytes, too few for weight "${spec.name}" (needs bytes ${offset}..${offset + length})`,
          { weight: spec.name, shards: group.paths },
        );
      }
      out.set(spec.name, decodeWeight(spec, bytes, offset));
      offset += length;
    }
  }
  return out;
}
