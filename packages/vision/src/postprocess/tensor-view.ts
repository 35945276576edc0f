import { EdgelensError } from "@edgelens/shared/errors";

/** The part of a model output the decoders read: TensorLike and onnxruntime's Tensor both fit. */
export interface TensorView {
  type?: string;
  data: ArrayLike<number> | ArrayLike<bigint>;
  dims: readonly number[];
}

/**
 * The output's numbers, after checking that it has the expected shape (`null` = any size on that
 * axis). Throws a clear error on a wrong shape or on data that is not plain numbers (float16 bits,
 * int64), which would otherwise decode to garbage.
 */
export function readNumbers(t: TensorView, what: string, shape: readonly (number | null)[]): ArrayLike<number> {
  const dims = t.dims;
  const ok = dims.length === shape.length && shape.every((d, i) => d === null || d === dims[i]);
  if (!ok) {
    const want = `[${shape.map((d) => (d === null ? "?" : d)).join(",")}]`;
    throw new EdgelensError("INVALID_PAYLOAD", `${what}: expected an output of shape ${want}, got [${dims.join(",")}]`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.type === "float16" || t.data instanceof BigInt64Array || t.data instanceof BigUint64Array || t.data instanceof Uint16Array) {
    throw new EdgelensError("INVALID_PAYLOAD", `${what}: expected float32 or int32 data, got ${t.type ?? t.data.constructor.name}`);
  }
  if (t.data.length < count) throw new EdgelensError("INVALID_PAYLOAD", `${what}: shape [${dims.join(",")}] needs ${count} values, got ${t.data.length}`);
  return t.data as ArrayLike<number>;
}
