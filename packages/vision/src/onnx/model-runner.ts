/**
 * The seam between code that needs a model's outputs (templates, the agent's project worker) and
 * what computes them. onnxruntime-node implements it (ort-runner.ts); tests and other runtimes
 * can implement it too.
 */

export type TensorType = "float32" | "int32" | "int64" | "uint8" | "float16" | "bool";

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

/** A plain tensor: float16 data travels as its raw binary16 bits in a Uint16Array. */
export interface TensorLike {
  type: TensorType;
  data: TensorData;
  dims: number[];
}

/** A model input or output: symbolic dims are strings (e.g. "batch"). */
export interface TensorInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

export interface ModelRunner {
  readonly name: string;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
  dispose(): Promise<void>;
}
