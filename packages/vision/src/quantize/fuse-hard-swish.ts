import type { OnnxModelProto, OnnxNodeProto } from "../onnx/onnx-proto";
import { GraphIndex } from "./graph-index";

/**
 * Rewrites TF's hard-swish, x * relu6(x + 3) * (1/6) as Add, Clip, Mul, Mul, into one ONNX
 * HardSwish. Between int8 Convs the float pattern costs four passes over the tensor (more than
 * the int8 Conv itself on MobileNetV3); HardSwish is one. Returns how many it replaced.
 */
export function fuseHardSwish(model: OnnxModelProto): number {
  const index = new GraphIndex(model.graph);
  const near = (v: number | undefined, want: number, tol: number) => v !== undefined && Math.abs(v - want) <= tol;
  const drop = new Set<OnnxNodeProto>();
  const replace = new Map<OnnxNodeProto, OnnxNodeProto>();
  for (const add of model.graph.node) {
    if (add.opType !== "Add") continue;
    const [p, q] = add.input as [string, string];
    const x = near(index.scalarConstant(q), 3, 1e-6) ? p : near(index.scalarConstant(p), 3, 1e-6) ? q : undefined;
    if (!x) continue;
    const clip = single(index, add.output[0] as string);
    if (clip?.opType !== "Clip" || !near(index.scalarConstant(clip.input[1]), 0, 0) || !near(index.scalarConstant(clip.input[2]), 6, 1e-6)) continue;
    const last = single(index, clip.output[0] as string);
    if (last?.opType !== "Mul") continue;
    const other = last.input.find((i) => i !== clip.output[0]) as string;
    const sixth = index.producer.get(other);
    if (sixth?.opType !== "Mul" || !sixth.input.includes(x) || index.consumersOf(sixth.output[0] as string).length !== 1) continue;
    const k = sixth.input.find((i) => i !== x);
    if (!near(index.scalarConstant(k), 1 / 6, 1e-3)) continue;
    for (const n of [add, clip, sixth]) drop.add(n);
    replace.set(last, { name: `${last.name}/HardSwish`, opType: "HardSwish", input: [x], output: [last.output[0] as string], attribute: [] });
  }
  model.graph.node = model.graph.node.filter((n) => !drop.has(n)).map((n) => replace.get(n) ?? n);
  return replace.size;
}

function single(index: GraphIndex, tensor: string): OnnxNodeProto | undefined {
  const readers = index.consumersOf(tensor);
  return readers.length === 1 && !index.graphOutputs.has(tensor) ? readers[0] : undefined;
}
