import { EdgelensError } from "@edgelens/shared/errors";
import { float16ArrayToFloat32 } from "../converter/float16";
import { OnnxDataType, type OnnxGraphProto, type OnnxNodeProto, type OnnxTensorProto } from "../onnx/onnx-proto";

export interface FloatConstant {
  dims: number[];
  data: Float32Array;
}

/** Who produces and who reads each tensor of a graph, and its constant values. */
export class GraphIndex {
  readonly producer = new Map<string, OnnxNodeProto>();
  readonly consumers = new Map<string, OnnxNodeProto[]>();
  readonly initializers = new Map<string, OnnxTensorProto>();
  readonly graphOutputs: Set<string>;

  constructor(readonly graph: OnnxGraphProto) {
    for (const t of graph.initializer) this.initializers.set(t.name, t);
    for (const node of graph.node) {
      for (const out of node.output) this.producer.set(out, node);
      for (const input of node.input) {
        if (!input) continue;
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
    }
    this.graphOutputs = new Set(graph.output.map((o) => o.name));
  }

  consumersOf(tensor: string): OnnxNodeProto[] {
    return this.consumers.get(tensor) ?? [];
  }

  isConstant(tensor: string): boolean {
    return this.initializers.has(tensor);
  }

  /** A float32 or float16 initializer as float32 values; undefined for anything else. */
  floatConstant(tensor: string): FloatConstant | undefined {
    const t = this.initializers.get(tensor);
    if (!t) return undefined;
    const raw = t.rawData;
    // Copy (Buffer#slice would be a view): protobuf's views need not be aligned for a typed array.
    const bytes = new Uint8Array(raw);
    if (t.dataType === OnnxDataType.FLOAT) return { dims: t.dims, data: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
    if (t.dataType === OnnxDataType.FLOAT16) return { dims: t.dims, data: float16ArrayToFloat32(new Uint16Array(bytes.buffer, 0, bytes.length / 2)) };
    return undefined;
  }

  /** A float scalar attribute-like constant (Clip's min/max inputs). */
  scalarConstant(tensor: string | undefined): number | undefined {
    if (!tensor) return undefined;
    const c = this.floatConstant(tensor);
    return c && c.data.length === 1 ? c.data[0] : undefined;
  }

  requireFloatConstant(tensor: string, node: OnnxNodeProto): FloatConstant {
    const c = this.floatConstant(tensor);
    if (!c) throw new EdgelensError("UNSUPPORTED_OP", `${node.opType} node "${node.name}" has a weight "${tensor}" that is not a float constant`, { op: node.opType, node: node.name });
    return c;
  }
}
