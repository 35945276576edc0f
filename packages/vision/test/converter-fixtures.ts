/**
 * Test helper (not a test): writes tiny handmade TF.js graph models (model.json + one shard) and
 * runs their ONNX conversion in onnxruntime.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertTfjsGraphModel, type ConversionResult } from "../src/converter/index";
import type { TensorLike } from "../src/onnx/model-runner";
import { createOrtModelRunner } from "../src/onnx/ort-runner";

type AttrValue = Record<string, unknown>;

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

/** NodeDef attribute values in model.json's JSON encoding. */
export const attr = {
  i: (v: number): AttrValue => ({ i: String(v) }),
  f: (v: number): AttrValue => ({ f: v }),
  b: (v: boolean): AttrValue => ({ b: v }),
  s: (v: string): AttrValue => ({ s: b64(v) }),
  ints: (v: number[]): AttrValue => ({ list: { i: v.map(String) } }),
  strs: (v: string[]): AttrValue => ({ list: { s: v.map(b64) } }),
  type: (v: string): AttrValue => ({ type: v }),
};

/** float32 -> IEEE binary16 bits, round to nearest even; normal range only (enough for fixtures). */
export function toHalfBits(value: number): number {
  const f = new Float32Array([value]);
  const u = new Uint32Array(f.buffer)[0] ?? 0;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (value === 0) return sign;
  if (exp <= 0 || exp >= 31) throw new Error(`fixture toHalfBits: ${value} is outside the normal half range`);
  let half = sign | (exp << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return half;
}

export type ConstDtype = "float32" | "int32" | "bool" | "float16";

interface WeightEntry {
  spec: Record<string, unknown>;
  bytes: Uint8Array;
}

const TF_TYPE: Record<string, string> = { float32: "DT_FLOAT", int32: "DT_INT32", bool: "DT_BOOL", float16: "DT_FLOAT" };

export class TfjsModelBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly weights: WeightEntry[] = [];
  private signatureOutputs: string[] | undefined;

  placeholder(name: string, dtype: "float32" | "int32", shape: number[]): this {
    this.nodes.push({
      name,
      op: "Placeholder",
      attr: { dtype: attr.type(TF_TYPE[dtype] ?? ""), shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } },
    });
    return this;
  }

  /** A Const node with its weight; dtype "float16" stores float32 values quantized to half. */
  constant(name: string, values: number[], shape: number[], dtype: ConstDtype = "float32"): this {
    this.nodes.push({ name, op: "Const", attr: { dtype: attr.type(TF_TYPE[dtype] ?? ""), value: { tensor: { dtype: TF_TYPE[dtype] } } } });
    let bytes: Uint8Array;
    const spec: Record<string, unknown> = { name, shape, dtype: dtype === "float16" ? "float32" : dtype };
    if (dtype === "float16") {
      bytes = new Uint8Array(Uint16Array.from(values, toHalfBits).buffer);
      spec.quantization = { dtype: "float16", original_dtype: "float32" };
    } else if (dtype === "int32") bytes = new Uint8Array(Int32Array.from(values).buffer);
    else if (dtype === "bool") bytes = Uint8Array.from(values);
    else bytes = new Uint8Array(Float32Array.from(values).buffer);
    this.weights.push({ spec, bytes });
    return this;
  }

  /** A raw weight entry (for quantization tests): spec as in weightsManifest, stored bytes. */
  rawConstant(name: string, tfDtype: string, spec: Record<string, unknown>, bytes: Uint8Array): this {
    this.nodes.push({ name, op: "Const", attr: { dtype: attr.type(tfDtype) } });
    this.weights.push({ spec: { name, ...spec }, bytes });
    return this;
  }

  node(name: string, op: string, input: string[], attrs: Record<string, AttrValue> = {}): this {
    this.nodes.push({ name, op, input, attr: attrs });
    return this;
  }

  outputs(...names: string[]): this {
    this.signatureOutputs = names;
    return this;
  }

  modelJson(shard = "group1-shard1of1.bin"): Record<string, unknown> {
    const json: Record<string, unknown> = {
      format: "graph-model",
      generatedBy: "edgelens-test",
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: [shard], weights: this.weights.map((w) => w.spec) }],
    };
    if (this.signatureOutputs) {
      json.signature = { outputs: Object.fromEntries(this.signatureOutputs.map((n) => [`${n}:0`, { name: `${n}:0` }])) };
    }
    return json;
  }

  shard(): Uint8Array {
    const total = this.weights.reduce((n, w) => n + w.bytes.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const w of this.weights) {
      out.set(w.bytes, at);
      at += w.bytes.length;
    }
    return out;
  }

  /** Writes model.json + shard into a fresh temp dir; returns model.json's path and a cleanup. */
  write(): { path: string; dir: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), "edgelens-tfjs-"));
    writeFileSync(join(dir, "model.json"), JSON.stringify(this.modelJson()));
    writeFileSync(join(dir, "group1-shard1of1.bin"), this.shard());
    return { path: join(dir, "model.json"), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
}

export const f32 = (data: number[], dims: number[]): TensorLike => ({ type: "float32", data: Float32Array.from(data), dims });
export const i32 = (data: number[], dims: number[]): TensorLike => ({ type: "int32", data: Int32Array.from(data), dims });

/** Converts the model from disk and runs it once in onnxruntime. */
export async function convertAndRun(
  model: TfjsModelBuilder,
  feeds: Record<string, TensorLike>,
): Promise<{ outputs: Record<string, TensorLike>; conversion: ConversionResult }> {
  const files = model.write();
  try {
    const conversion = await convertTfjsGraphModel(files.path);
    const runner = await createOrtModelRunner(conversion.onnx, { name: "fixture", threads: 1 });
    try {
      return { outputs: await runner.run(feeds), conversion };
    } finally {
      await runner.dispose();
    }
  } finally {
    files.cleanup();
  }
}

/** Output values as plain numbers (int64 / bool included). */
export function values(t: TensorLike | undefined): number[] {
  if (!t) throw new Error("missing output");
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

/** Deterministic pseudo-random values in [-1, 1) so expected numbers are reproducible. */
export function seeded(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
