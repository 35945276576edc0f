import {
  OnnxAttributeType,
  OnnxDataType,
  type OnnxAttributeProto,
  type OnnxNodeProto,
  type OnnxTensorProto,
} from "../onnx/onnx-proto";

export type TensorDtype = "float32" | "float16" | "float64" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "bool";

export const ONNX_DTYPE: Record<TensorDtype, number> = {
  float32: OnnxDataType.FLOAT,
  float16: OnnxDataType.FLOAT16,
  float64: OnnxDataType.DOUBLE,
  int8: OnnxDataType.INT8,
  int16: OnnxDataType.INT16,
  int32: OnnxDataType.INT32,
  int64: OnnxDataType.INT64,
  uint8: OnnxDataType.UINT8,
  uint16: OnnxDataType.UINT16,
  bool: OnnxDataType.BOOL,
};

type TypedData = Float32Array | Int32Array | Uint8Array | Uint16Array | BigInt64Array;

export const intAttr = (name: string, i: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.INT, i });
export const floatAttr = (name: string, f: number): OnnxAttributeProto => ({ name, type: OnnxAttributeType.FLOAT, f });
export const intsAttr = (name: string, ints: number[]): OnnxAttributeProto => ({ name, type: OnnxAttributeType.INTS, ints });
export const stringAttr = (name: string, s: string): OnnxAttributeProto => ({
  name,
  type: OnnxAttributeType.STRING,
  s: new TextEncoder().encode(s),
});

/** Accumulates ONNX nodes and initializers with unique names and known element types. */
export class GraphBuilder {
  readonly nodes: OnnxNodeProto[] = [];
  readonly initializers: OnnxTensorProto[] = [];
  private readonly taken = new Set<string>();
  private readonly dtypes = new Map<string, TensorDtype>();
  private readonly memos = new Map<string, string>();

  constructor(private readonly keepFloat16: boolean) {}

  /** Reserves `base`, or `base_1`, `base_2`... when taken. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  reserve(name: string): void {
    this.taken.add(name);
  }

  setDtype(tensor: string, dtype: TensorDtype): void {
    this.dtypes.set(tensor, dtype);
  }

  dtypeOf(tensor: string): TensorDtype | undefined {
    return this.dtypes.get(tensor);
  }

  /** Returns the tensor made once for `key`, making it with `make` the first time. */
  memo(key: string, make: () => string): string {
    const hit = this.memos.get(key);
    if (hit !== undefined) return hit;
    const made = make();
    this.memos.set(key, made);
    return made;
  }

  addNode(opType: string, name: string, input: string[], output: string[], attribute: OnnxAttributeProto[] = []): void {
    this.nodes.push({ name: this.uniqueName(name), opType, input, output, attribute });
  }

  addInitializer(name: string, dtype: TensorDtype, dims: number[], data: TypedData): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType: ONNX_DTYPE[dtype], rawData: bytes });
    this.reserve(name);
    this.setDtype(name, dtype);
    return name;
  }

  /** An int64 constant (ONNX wants int64 for shapes, axes, pads, k). Shared between uses. */
  int64(values: (number | bigint)[], dims: number[] = [values.length]): string {
    return this.memo(`i64:${dims.join("x")}:${values.join(",")}`, () =>
      this.addInitializer(this.uniqueName("const_i64"), "int64", dims, BigInt64Array.from(values, (v) => BigInt(v))),
    );
  }

  scalar(value: number, dtype: "float32" | "int32"): string {
    return this.memo(`scalar:${dtype}:${value}`, () => {
      const data = dtype === "float32" ? Float32Array.of(value) : Int32Array.of(value);
      return this.addInitializer(this.uniqueName(`const_${dtype}`), dtype, [], data);
    });
  }

  /**
   * A float32 weight. With keepFloat16 a float16-stored weight stays float16 in the file and a
   * Cast makes it float32; onnxruntime folds that Cast when the session loads.
   */
  floatWeight(name: string, dims: number[], data: Float32Array, half?: Uint16Array): string {
    if (!half || !this.keepFloat16) return this.addInitializer(this.uniqueName(name), "float32", dims, data);
    const stored = this.addInitializer(this.uniqueName(`${name}/fp16`), "float16", dims, half);
    const out = this.uniqueName(name);
    this.addNode("Cast", `${name}/cast`, [stored], [out], [intAttr("to", ONNX_DTYPE.float32)]);
    this.setDtype(out, "float32");
    return out;
  }

  /** Casts `tensor` to `dtype` once, however many nodes ask. */
  cast(tensor: string, dtype: TensorDtype): string {
    if (this.dtypeOf(tensor) === dtype) return tensor;
    return this.memo(`cast:${tensor}:${dtype}`, () => {
      const out = this.uniqueName(`${tensor}/to_${dtype}`);
      this.addNode("Cast", out, [tensor], [out], [intAttr("to", ONNX_DTYPE[dtype])]);
      this.setDtype(out, dtype);
      return out;
    });
  }
}
