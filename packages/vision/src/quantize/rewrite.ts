import { EdgelensError } from "@edgelens/shared/errors";
import { ONNX_DTYPE, intAttr } from "../converter/graph-builder";
import type { OnnxModelProto, OnnxNodeProto, OnnxTensorProto } from "../onnx/onnx-proto";
import type { QuantPlan } from "./plan";
import { activationParams, quantizeBias, quantizeWeightsPerChannel, type ActivationParams, type Range } from "./tensor-params";

type Typed = Float32Array | Uint8Array | Int8Array | Int32Array;

/** Emits the QDQ graph: per-channel int8 weights, int32 biases, a Q/DQ pair per planned activation. */
class QdqWriter {
  readonly initializers: OnnxTensorProto[] = [];
  readonly params = new Map<string, ActivationParams>();

  constructor(private readonly ranges: Map<string, Range>) {}

  constant(name: string, dtype: keyof typeof ONNX_DTYPE, dims: number[], data: Typed): string {
    this.initializers.push({ name, dims, dataType: ONNX_DTYPE[dtype], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  paramsOf(tensor: string): ActivationParams {
    const hit = this.params.get(tensor);
    if (hit) return hit;
    const range = this.ranges.get(tensor);
    if (!range) throw new EdgelensError("INTERNAL", `no calibrated range for tensor "${tensor}"`, { tensor });
    const p = activationParams(range);
    this.params.set(tensor, p);
    return p;
  }

  /** QuantizeLinear + DequantizeLinear of `tensor`; consumers then read the returned name. */
  qdq(tensor: string): OnnxNodeProto[] {
    const p = this.paramsOf(tensor);
    const scale = this.constant(`${tensor}/q_scale`, "float32", [], Float32Array.of(p.scale));
    const zp = this.constant(`${tensor}/q_zero`, "uint8", [], Uint8Array.of(p.zeroPoint));
    return [
      { name: `${tensor}/Quantize`, opType: "QuantizeLinear", input: [tensor, scale, zp], output: [`${tensor}/q`], attribute: [] },
      { name: `${tensor}/Dequantize`, opType: "DequantizeLinear", input: [`${tensor}/q`, scale, zp], output: [`${tensor}/dq`], attribute: [] },
    ];
  }

  /** Rewrites a Conv's weight and bias inputs as DequantizeLinear of int8 / int32 constants. */
  convWeights(plan: QuantPlan, node: OnnxNodeProto): OnnxNodeProto[] {
    const w = plan.index.requireFloatConstant(node.input[1] as string, node);
    const channels = w.dims[0] as number;
    const q = quantizeWeightsPerChannel(w.data, channels);
    const base = node.input[1] as string;
    const nodes: OnnxNodeProto[] = [];
    const wq = this.constant(`${base}/int8`, "int8", w.dims, q.data);
    const ws = this.constant(`${base}/int8_scale`, "float32", [channels], q.scales);
    const wz = this.constant(`${base}/int8_zero`, "int8", [channels], new Int8Array(channels));
    nodes.push({ name: `${base}/Dequantize`, opType: "DequantizeLinear", input: [wq, ws, wz], output: [`${base}/dq`], attribute: [intAttr("axis", 0)] });
    const input: string[] = [`${node.input[0] as string}/dq`, `${base}/dq`];
    if (node.input[2]) {
      const b = plan.index.requireFloatConstant(node.input[2], node);
      const qb = quantizeBias(b.data, this.paramsOf(node.input[0] as string).scale, q.scales);
      const bb = node.input[2];
      const bq = this.constant(`${bb}/int32`, "int32", b.dims, qb.data);
      const bs = this.constant(`${bb}/int32_scale`, "float32", [channels], qb.scales);
      const bz = this.constant(`${bb}/int32_zero`, "int32", [channels], new Int32Array(channels));
      nodes.push({ name: `${bb}/Dequantize`, opType: "DequantizeLinear", input: [bq, bs, bz], output: [`${bb}/dq`], attribute: [intAttr("axis", 0)] });
      input.push(`${bb}/dq`);
    }
    return [...nodes, { ...node, input }];
  }
}

/** The quantised model: same inputs and outputs, QDQ nodes placed right after each producer. */
export function rewriteQdq(model: OnnxModelProto, plan: QuantPlan, ranges: Map<string, Range>): OnnxModelProto {
  const writer = new QdqWriter(ranges);
  const removed = new Set<OnnxNodeProto>();
  const convs = new Map(plan.convs.map((c) => [c.node, c]));
  for (const c of plan.convs) if (c.fused) removed.add(c.fused);
  // Every reader of a quantised tensor reads its dequantised copy (ORT duplicates shared DQs).
  const redirect = (node: OnnxNodeProto): OnnxNodeProto => ({ ...node, input: node.input.map((i) => (plan.tensors.has(i) ? `${i}/dq` : i)) });
  const nodes: OnnxNodeProto[] = [];
  for (const input of model.graph.input) if (plan.tensors.has(input.name)) nodes.push(...writer.qdq(input.name));
  for (const node of model.graph.node) {
    if (removed.has(node)) continue;
    const conv = convs.get(node);
    let emitted: OnnxNodeProto[];
    if (conv) {
      const parts = writer.convWeights(plan, node);
      const last = parts[parts.length - 1] as OnnxNodeProto;
      emitted = [...parts.slice(0, -1), { ...last, output: [conv.output] }];
    } else {
      emitted = [redirect(node)];
    }
    nodes.push(...emitted);
    const outputs = conv ? [conv.output] : node.output;
    for (const out of outputs) if (plan.tensors.has(out)) nodes.push(...writer.qdq(out));
  }
  // Graph outputs keep their float tensors; the constants the rewritten nodes no longer read go.
  const used = new Set(nodes.flatMap((n) => n.input));
  const initializer = [...model.graph.initializer.filter((t) => used.has(t.name)), ...writer.initializers];
  return {
    ...model,
    opsetImport: model.opsetImport.filter((o) => o.domain === "" || o.domain === "ai.onnx"),
    graph: { ...model.graph, node: nodes, initializer },
  };
}
