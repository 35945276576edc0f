import { encodeValueInfo, valueInfoName } from "./onnx-proto";
import { encodeLenField, ProtoCursor, WireType, type ByteSource } from "./proto-cursor";

/**
 * A model's skeleton: the ModelProto with every large initializer turned into a graph input of
 * the same name, type and shape. onnxruntime loads it in a few KB and checks everything a model
 * load checks except the weights' bytes, whose length is checked here instead. Building it reads
 * the graph's structure and steps over the weights, so a 1 GB model costs a few hundred KB of
 * reads and no more memory than its node list.
 */
export interface OnnxSkeleton {
  bytes: Uint8Array;
  /** Initializers that became inputs: not inputs of the real model. */
  weights: Set<string>;
}

/** Initializers at or under this size stay as they are (shape tensors, small constants). */
const INLINE_MAX = 64 * 1024;

/** ModelProto.graph, GraphProto.initializer, GraphProto.input (onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;

/** Bytes per element of TensorProto.DataType values with a fixed size. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

interface WeightTensor {
  name: string;
  dims: number[];
  dataType: number;
}

export async function buildOnnxSkeleton(source: ByteSource): Promise<OnnxSkeleton> {
  if (source.size === 0) throw new Error("empty file");
  const c = new ProtoCursor(source);
  const parts: Uint8Array[] = [];
  const weights = new Set<string>();
  let graphs = 0;
  while (c.pos < source.size) {
    const start = c.pos;
    const { field, wire } = await c.tag();
    if (field === MODEL_GRAPH && wire === WireType.LEN) {
      const length = await c.length(source.size);
      const graph = await scanGraph(c, c.pos + length, weights);
      parts.push(...encodeLenField(MODEL_GRAPH, graph));
      graphs++;
      continue;
    }
    await c.skip(wire, source.size);
    parts.push(await c.bytes(start, c.pos));
  }
  if (graphs !== 1) throw new Error(graphs === 0 ? "no graph" : "more than one graph");
  return { bytes: Buffer.concat(parts), weights };
}

async function scanGraph(c: ProtoCursor, end: number, weights: Set<string>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const inputs = new Set<string>();
  const big: WeightTensor[] = [];
  while (c.pos < end) {
    const start = c.pos;
    const { field, wire } = await c.tag();
    if (field === GRAPH_INITIALIZER && wire === WireType.LEN) {
      const length = await c.length(end);
      if (length > INLINE_MAX) {
        big.push(await scanTensor(c, c.pos + length));
        continue;
      }
      c.pos += length;
    } else if (field === GRAPH_INPUT && wire === WireType.LEN) {
      const length = await c.length(end);
      c.pos += length;
      const raw = await c.bytes(start, c.pos);
      inputs.add(valueInfoName(raw.subarray(raw.length - length)));
      parts.push(raw);
      continue;
    } else {
      await c.skip(wire, end);
    }
    parts.push(await c.bytes(start, c.pos));
  }
  if (c.pos !== end) throw new Error(`graph ends at ${c.pos}, not at ${end}`);
  for (const t of big) {
    weights.add(t.name);
    // IR < 4 lists initializers among the inputs already; the value then only loses its default.
    if (!inputs.has(t.name)) parts.push(...encodeLenField(GRAPH_INPUT, encodeValueInfo({ name: t.name, type: { tensorType: { elemType: t.dataType, shape: { dim: t.dims.map((d) => ({ dimValue: d })) } } } })));
  }
  return Buffer.concat(parts);
}

/** TensorProto: dims 1, data_type 2, float_data 4, name 8, raw_data 9, double_data 10, data_location 14. */
async function scanTensor(c: ProtoCursor, end: number): Promise<WeightTensor> {
  const t: WeightTensor = { name: "", dims: [], dataType: 0 };
  let dataBytes: number | null = null;
  while (c.pos < end) {
    const { field, wire } = await c.tag();
    if (field === 1 && wire === WireType.VARINT) t.dims.push(await c.varint());
    else if (field === 1 && wire === WireType.LEN) {
      const length = await c.length(end);
      const stop = c.pos + length;
      while (c.pos < stop) t.dims.push(await c.varint());
    } else if (field === 2 && wire === WireType.VARINT) t.dataType = await c.varint();
    else if (field === 8 && wire === WireType.LEN) {
      const length = await c.length(end);
      t.name = Buffer.from(await c.bytes(c.pos, c.pos + length)).toString("utf8");
      c.pos += length;
    } else if ((field === 9 || field === 4 || field === 10) && wire === WireType.LEN) {
      const length = await c.length(end);
      dataBytes = (dataBytes ?? 0) + length;
      c.pos += length;
    } else if (field === 14 && wire === WireType.VARINT) {
      if ((await c.varint()) === 1) throw new Error("initializers with external data are not supported: upload a single-file model");
    } else await c.skip(wire, end);
  }
  if (c.pos !== end) throw new Error(`tensor ends at ${c.pos}, not at ${end}`);
  if (!t.name) throw new Error("an initializer without a name");
  const size = ELEMENT_BYTES[t.dataType];
  if (dataBytes !== null && size !== undefined) {
    const expected = t.dims.reduce((a, d) => a * d, 1) * size;
    if (expected !== dataBytes) throw new Error(`initializer ${t.name}: ${dataBytes} bytes of data for shape [${t.dims.join(", ")}] (${expected} expected)`);
  }
  return t;
}
