import { EdgelensError } from "@edgelens/shared/errors";
import type { OnnxModelProto, OnnxNodeProto } from "../onnx/onnx-proto";
import { GraphIndex } from "./graph-index";

/**
 * Which nodes run in int8 and which tensors get a QuantizeLinear/DequantizeLinear pair. The
 * layout follows onnxruntime's QDQ rules: a Conv with DQ inputs and a Q output fuses into
 * QLinearConv; Add, Concat and MaxPool with DQ inputs and a Q output become their uint8 forms.
 */
export interface ConvPlan {
  node: OnnxNodeProto;
  /** The Relu/Clip that follows alone: removed, its output's range does the clamping. */
  fused?: OnnxNodeProto;
  /** The tensor the quantised Conv writes (the fused activation's output when there is one). */
  output: string;
}

export interface QuantPlan {
  index: GraphIndex;
  convs: ConvPlan[];
  /** Non-Conv nodes that run quantised (their inputs and outputs carry QDQ pairs). */
  others: OnnxNodeProto[];
  /** Float activations that get a Q/DQ pair, in no particular order. */
  tensors: Set<string>;
  /** Conv nodes left in float on request (first/last layers). */
  keptFloat: string[];
}

export type KeepFloat = "none" | "first" | "last" | "first-last";

/** Ops whose bodies are subgraphs: the ONNX reader here does not carry GraphProto attributes. */
const SUBGRAPH_OPS = new Set(["If", "Loop", "Scan", "SequenceMap"]);
const PASS_THROUGH = new Set(["Add", "Concat", "MaxPool"]);

/** Rejects what cannot be quantised faithfully: dynamic input shapes, ops the rewriter would lose. */
export function checkQuantizable(model: OnnxModelProto, name: string): void {
  for (const input of model.graph.input) {
    const dims = input.type.tensorType.shape?.dim ?? [];
    const dynamic = !input.type.tensorType.shape || dims.some((d) => !(Number(d.dimValue) > 0));
    if (dynamic) {
      const shape = dims.map((d) => (Number(d.dimValue) > 0 ? String(d.dimValue) : d.dimParam || "?")).join(",");
      throw new EdgelensError("INVALID_MODEL", `model "${name}" input "${input.name}" has a dynamic shape [${shape}]: int8 calibration needs fixed input shapes`, {
        model: name,
        input: input.name,
      });
    }
  }
  for (const node of model.graph.node) {
    if ((node.domain && node.domain !== "ai.onnx") || SUBGRAPH_OPS.has(node.opType)) {
      const op = node.domain ? `${node.domain}.${node.opType}` : node.opType;
      throw new EdgelensError("UNSUPPORTED_OP", `model "${name}" uses op ${op} (node "${node.name}"), which the int8 optimizer does not support`, { model: name, op, node: node.name });
    }
  }
}

function fusableActivation(index: GraphIndex, conv: OnnxNodeProto): OnnxNodeProto | undefined {
  const out = conv.output[0] as string;
  if (index.graphOutputs.has(out)) return undefined;
  const readers = index.consumersOf(out);
  const act = readers[0];
  if (readers.length !== 1 || !act) return undefined;
  if (index.graphOutputs.has(act.output[0] as string)) return undefined;
  if (act.opType === "Relu") return act;
  if (act.opType !== "Clip") return undefined;
  // Clip's bounds must be constants (opset 11+ inputs) for the quantiser's range to stand in.
  const lo = act.input[1] ? index.scalarConstant(act.input[1]) : -Infinity;
  const hi = act.input[2] ? index.scalarConstant(act.input[2]) : Infinity;
  return lo !== undefined && hi !== undefined ? act : undefined;
}

/**
 * Squeeze-excite Convs run on a 1x1 pooled map: int8 saves nothing there and their gates, which
 * scale whole channels, are where MobileNetV3 loses most accuracy.
 */
function onPooledInput(index: GraphIndex, conv: OnnxNodeProto): boolean {
  let p = index.producer.get(conv.input[0] as string);
  for (let hops = 0; p && hops < 3; hops++) {
    if (p.opType === "ReduceMean" || p.opType === "GlobalAveragePool") return true;
    if (p.opType !== "Relu" && p.opType !== "Conv" && p.opType !== "Clip") return false;
    p = index.producer.get(p.input[0] as string);
  }
  return false;
}

function isDepthwise(index: GraphIndex, conv: OnnxNodeProto): boolean {
  const group = Number(conv.attribute.find((a) => a.name === "group")?.i ?? 1);
  return group > 1 && index.initializers.get(conv.input[1] as string)?.dims[1] === 1;
}

/** Conv nodes no other Conv depends on (the heads), found by walking back from every Conv. */
function lastConvs(index: GraphIndex, convs: OnnxNodeProto[]): Set<OnnxNodeProto> {
  const feedsConv = new Set<OnnxNodeProto>();
  const seen = new Set<OnnxNodeProto>();
  const walk = (tensor: string): void => {
    const stack = [tensor];
    while (stack.length) {
      const p = index.producer.get(stack.pop() as string);
      if (!p || seen.has(p)) continue;
      seen.add(p);
      if (p.opType === "Conv") feedsConv.add(p);
      for (const i of p.input) if (i) stack.push(i);
    }
  };
  for (const c of convs) {
    seen.clear();
    seen.add(c);
    for (const i of c.input) if (i) walk(i);
  }
  return new Set(convs.filter((c) => !feedsConv.has(c)));
}

export function planQuantization(model: OnnxModelProto, keep: KeepFloat = "none", passThrough = true, depthwise = true): QuantPlan {
  const index = new GraphIndex(model.graph);
  const graphInputs = new Set(model.graph.input.map((i) => i.name));
  const convs = model.graph.node.filter(
    (n) => n.opType === "Conv" && n.input[1] && index.floatConstant(n.input[1]) && (!n.input[2] || index.floatConstant(n.input[2])) && !onPooledInput(index, n) && (depthwise || !isDepthwise(index, n)),
  );
  const kept = new Set<OnnxNodeProto>();
  if (keep === "first" || keep === "first-last") for (const c of convs) if (graphInputs.has(c.input[0] as string) || convs[0] === c) kept.add(c);
  if (keep === "last" || keep === "first-last") for (const c of lastConvs(index, convs)) kept.add(c);

  const plan: QuantPlan = { index, convs: [], others: [], tensors: new Set(), keptFloat: [...kept].map((c) => c.name) };
  for (const node of convs) {
    if (kept.has(node)) continue;
    const fused = fusableActivation(index, node);
    const output = fused ? (fused.output[0] as string) : (node.output[0] as string);
    plan.convs.push({ node, ...(fused ? { fused } : {}), output });
    plan.tensors.add(node.input[0] as string);
    plan.tensors.add(output);
  }
  const quantised = (t: string): boolean => plan.tensors.has(t);
  for (const node of model.graph.node) {
    if (!passThrough || !PASS_THROUGH.has(node.opType)) continue;
    const inputs = node.input.filter(Boolean);
    if (inputs.some((i) => index.isConstant(i))) continue;
    // Only where it saves a float round trip: every input already quantised by a Conv.
    if (!inputs.every(quantised)) continue;
    plan.others.push(node);
    plan.tensors.add(node.output[0] as string);
  }
  return plan;
}
