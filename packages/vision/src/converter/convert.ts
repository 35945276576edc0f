import { EdgelensError } from "@edgelens/shared/errors";
import { encodeOnnxModel, type OnnxDimension, type OnnxValueInfoProto } from "../onnx/onnx-proto";
import type { TensorInfo } from "../onnx/model-runner";
import { attrDtype, attrShape } from "./attrs";
import { GraphBuilder, ONNX_DTYPE, type TensorDtype } from "./graph-builder";
import { checkSupported, findOutputs, indexNodes, orderNodes } from "./graph-order";
import { NodeContext, TensorTable } from "./node-context";
import { OP_MAPPERS, STRUCTURAL_OPS } from "./ops/registry";
import type { TfjsGraphModel } from "./tfjs-model";
import { loadWeights, type ShardReader } from "./weights";

/** Part of the sample-model cache key: bump when the ONNX this writes changes. */
export const CONVERTER_VERSION = "1.0.0";
const OPSET = 17;
const IR_VERSION = 8;

export interface ConversionProgress {
  stage: "read" | "weights" | "convert" | "write";
  done: number;
  total: number;
}

export interface ConvertOptions {
  onProgress?: (p: ConversionProgress) => void;
  /** Keep float16-stored weights as float16 initializers + Cast (default true: half the file size). */
  keepFloat16?: boolean;
}

export interface ConversionResult {
  onnx: Uint8Array;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  warnings: string[];
  stats: { tfNodes: number; convertedNodes: number; onnxNodes: number; initializers: number; opsetVersion: number };
}

function symbolicDim(d: number, i: number): number | string {
  return d >= 0 ? d : i === 0 ? "batch" : `dim_${i}`;
}

function valueInfo(name: string, dtype: TensorDtype, shape: (number | string)[] | undefined): OnnxValueInfoProto {
  const dims: OnnxDimension[] | undefined = shape?.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ONNX_DTYPE[dtype], ...(dims ? { shape: { dim: dims } } : {}) } } };
}

/** Converts a parsed TF.js graph model to ONNX bytes; shards are read through `readShard`. */
export async function convertGraph(model: TfjsGraphModel, readShard: ShardReader, opts: ConvertOptions = {}): Promise<ConversionResult> {
  const progress = opts.onProgress ?? (() => {});
  const warnings: string[] = [];
  const byName = indexNodes(model);
  const { outputs, fromSinks } = findOutputs(model, byName);
  if (fromSinks) warnings.push(`model.json has no signature; outputs taken from sink nodes: ${outputs.map((o) => o.ref).join(", ")}`);
  const ordered = orderNodes(byName, outputs);
  checkSupported(ordered);
  if (ordered.length < model.nodes.length) warnings.push(`${model.nodes.length - ordered.length} nodes do not feed any output and were dropped`);

  const weights = await loadWeights(model, readShard, (p) => progress({ stage: "weights", ...p }));
  const g = new GraphBuilder(opts.keepFloat16 ?? true);
  for (const node of ordered) if (node.op !== "Const") g.reserve(node.name);
  const table = new TensorTable(g, byName, weights);

  const inputs: TensorInfo[] = [];
  const inputProtos: OnnxValueInfoProto[] = [];
  for (const node of ordered.filter((n) => n.op === "Placeholder")) {
    const dtype = attrDtype(node, "dtype");
    const shape = attrShape(node, "shape")?.map(symbolicDim);
    g.setDtype(node.name, dtype);
    inputs.push({ name: node.name, type: dtype, shape: shape ?? [] });
    inputProtos.push(valueInfo(node.name, dtype, shape));
  }

  const work = ordered.filter((n) => !STRUCTURAL_OPS.has(n.op));
  work.forEach((node, i) => {
    const ctx = new NodeContext(node, table);
    const mapper = OP_MAPPERS[node.op];
    if (!mapper) throw ctx.fail("unsupported op");
    mapper(ctx);
    if (!g.dtypeOf(ctx.output()) && ctx.inputs.length > 0) g.setDtype(ctx.output(), ctx.dtype(0));
    if (i % 25 === 0 || i === work.length - 1) progress({ stage: "convert", done: i + 1, total: work.length });
  });

  const outputInfos: TensorInfo[] = [];
  const outputProtos: OnnxValueInfoProto[] = [];
  for (const out of outputs) {
    let tensor = table.tensor(out.ref);
    if (tensor !== out.ref.replace(/:0$/, "")) {
      // A constant (or renamed) output still needs the name the model declares.
      const name = g.uniqueName(out.ref);
      g.addNode("Identity", name, [tensor], [name]);
      g.setDtype(name, g.dtypeOf(tensor) ?? "float32");
      tensor = name;
    }
    const dtype = g.dtypeOf(tensor);
    if (!dtype) throw new EdgelensError("CONVERSION_FAILED", `Could not infer the data type of output "${out.ref}"`, { output: out.ref });
    const shape = out.shape?.map(symbolicDim);
    outputInfos.push({ name: tensor, type: dtype, shape: shape ?? [] });
    outputProtos.push(valueInfo(tensor, dtype, shape));
  }

  progress({ stage: "write", done: 0, total: 1 });
  const metadataProps = [
    { key: "source", value: "tfjs-graph-model" },
    ...(model.generatedBy ? [{ key: "tfjs.generatedBy", value: model.generatedBy }] : []),
    ...(model.convertedBy ? [{ key: "tfjs.convertedBy", value: model.convertedBy }] : []),
  ];
  const onnx = encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "edgelens-tfjs-converter",
    producerVersion: CONVERTER_VERSION,
    graph: { name: "tfjs-graph", node: g.nodes, initializer: g.initializers, input: inputProtos, output: outputProtos },
    metadataProps,
  });
  progress({ stage: "write", done: 1, total: 1 });
  return {
    onnx,
    inputs,
    outputs: outputInfos,
    warnings,
    stats: {
      tfNodes: model.nodes.length,
      convertedNodes: work.length,
      onnxNodes: g.nodes.length,
      initializers: g.initializers.length,
      opsetVersion: OPSET,
    },
  };
}
