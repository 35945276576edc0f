import { EdgelensError } from "@edgelens/shared/errors";
import type { OnnxAttributeProto } from "../onnx/onnx-proto";
import type { GraphBuilder, TensorDtype } from "./graph-builder";
import type { TfjsNode } from "./tfjs-model";
import type { WeightTensor } from "./weights";

/** "name" -> output 0 of node "name"; "name:2" -> its output 2 (TF's tensor reference syntax). */
export function parseTensorRef(ref: string): { node: string; index: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? { node: m[1] ?? ref, index: Number(m[2]) } : { node: ref, index: 0 };
}

/** The ONNX tensor name of a TF node's output `index`. */
export function tensorName(node: string, index: number): string {
  return index === 0 ? node : `${node}:${index}`;
}

/** Resolves TF references to ONNX tensors; TF Const nodes become initializers on first use. */
export class TensorTable {
  constructor(
    readonly g: GraphBuilder,
    private readonly nodes: Map<string, TfjsNode>,
    private readonly weights: Map<string, WeightTensor>,
  ) {}

  constant(ref: string): WeightTensor | undefined {
    const { node } = parseTensorRef(ref);
    if (this.nodes.get(node)?.op !== "Const") return undefined;
    const w = this.weights.get(node);
    if (!w) {
      throw new EdgelensError("INVALID_MODEL", `Const node "${node}" has no entry in weightsManifest`, { node });
    }
    return w;
  }

  tensor(ref: string): string {
    const { node, index } = parseTensorRef(ref);
    const w = this.constant(ref);
    if (!w) return tensorName(node, index);
    return this.g.memo(`const:${node}`, () => {
      if (w.dtype === "float32") return this.g.floatWeight(node, w.shape, w.data as Float32Array, w.half);
      return this.g.addInitializer(this.g.uniqueName(node), w.dtype, w.shape, w.data);
    });
  }
}

/** What an op mapper sees of the TF node it converts and the graph it writes into. */
export class NodeContext {
  readonly inputs: string[];

  constructor(
    readonly node: TfjsNode,
    readonly table: TensorTable,
  ) {
    this.inputs = node.input.filter((ref) => !ref.startsWith("^"));
  }

  get g(): GraphBuilder {
    return this.table.g;
  }

  fail(why: string): EdgelensError {
    return new EdgelensError("UNSUPPORTED_OP", `${this.node.op} node "${this.node.name}": ${why}`, {
      op: this.node.op,
      node: this.node.name,
    });
  }

  private ref(i: number): string {
    const ref = this.inputs[i];
    if (ref === undefined) throw this.fail(`expects an input #${i}`);
    return ref;
  }

  input(i: number): string {
    return this.table.tensor(this.ref(i));
  }

  dtype(i: number): TensorDtype {
    const dtype = this.g.dtypeOf(this.input(i));
    if (!dtype) throw this.fail(`input #${i} has an unknown data type`);
    return dtype;
  }

  constInput(i: number): WeightTensor | undefined {
    return this.table.constant(this.ref(i));
  }

  /** Integer values of a constant input (axes, sizes, paddings) needed at conversion time. */
  constInts(i: number, what: string): number[] {
    const w = this.constInput(i);
    if (!w || w.dtype !== "int32") throw this.fail(`${what} (input #${i}) must be a constant int32 tensor`);
    return Array.from(w.data as Int32Array);
  }

  /** Input i as int64: a new int64 initializer for constants, else a Cast. */
  int64Input(i: number): string {
    const w = this.constInput(i);
    if (w && w.dtype === "int32") return this.g.int64(Array.from(w.data as Int32Array), w.shape);
    return this.g.cast(this.input(i), "int64");
  }

  output(k = 0): string {
    return tensorName(this.node.name, k);
  }

  /** A fresh intermediate tensor name under this node. */
  tmp(suffix: string): string {
    return this.g.uniqueName(`${this.node.name}/${suffix}`);
  }

  emit(opType: string, input: string[], output: string[], attrs: OnnxAttributeProto[] = []): void {
    this.g.addNode(opType, this.node.name, input, output, attrs);
  }

  setDtype(tensor: string, dtype: TensorDtype): void {
    this.g.setDtype(tensor, dtype);
  }
}

export type OpMapper = (ctx: NodeContext) => void;
