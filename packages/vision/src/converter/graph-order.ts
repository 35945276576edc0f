import { EdgelensError } from "@edgelens/shared/errors";
import { parseTensorRef } from "./node-context";
import { OP_MAPPERS, STRUCTURAL_OPS } from "./ops/registry";
import type { TfjsGraphModel, TfjsNode, TfjsTensorShape } from "./tfjs-model";

export interface GraphOutput {
  /** TF reference ("name" or "name:1"). */
  ref: string;
  shape?: number[];
}

export function indexNodes(model: TfjsGraphModel): Map<string, TfjsNode> {
  const byName = new Map<string, TfjsNode>();
  for (const node of model.nodes) {
    if (byName.has(node.name)) {
      throw new EdgelensError("INVALID_MODEL", `Two nodes are named "${node.name}"`, { node: node.name });
    }
    byName.set(node.name, node);
  }
  return byName;
}

function shapeDims(shape: TfjsTensorShape | undefined): number[] | undefined {
  if (!shape || shape.unknownRank || !shape.dim) return undefined;
  return shape.dim.map((d) => Number(d.size ?? -1));
}

/**
 * The signature's outputs when the model has one; otherwise the sink nodes (BlazeFace has its
 * outputs only as the Identity nodes nothing consumes).
 */
export function findOutputs(model: TfjsGraphModel, byName: Map<string, TfjsNode>): { outputs: GraphOutput[]; fromSinks: boolean } {
  if (model.signature && Object.keys(model.signature.outputs).length > 0) {
    const outputs = Object.entries(model.signature.outputs).map(([key, entry]) => {
      const ref = (entry.name ?? key).replace(/:0$/, "");
      if (!byName.has(parseTensorRef(ref).node)) {
        throw new EdgelensError("INVALID_MODEL", `Signature output "${key}" names no node of the graph`, { output: key });
      }
      return { ref, shape: shapeDims(entry.tensorShape) };
    });
    return { outputs, fromSinks: false };
  }
  const consumed = new Set(model.nodes.flatMap((n) => n.input.map((ref) => parseTensorRef(ref.replace(/^\^/, "")).node)));
  const sinks = model.nodes.filter((n) => !consumed.has(n.name) && !STRUCTURAL_OPS.has(n.op));
  if (sinks.length === 0) throw new EdgelensError("INVALID_MODEL", "The graph has no output nodes", {});
  return { outputs: sinks.map((n) => ({ ref: n.name })), fromSinks: true };
}

/**
 * The nodes the outputs depend on, inputs before consumers (ONNX requires topological order;
 * model.json does not promise it). Iterative so deep graphs cannot overflow the stack.
 */
export function orderNodes(byName: Map<string, TfjsNode>, outputs: GraphOutput[]): TfjsNode[] {
  const state = new Map<string, "open" | "done">();
  const order: TfjsNode[] = [];
  for (const out of outputs) {
    const stack: { node: TfjsNode; next: number }[] = [];
    const root = byName.get(parseTensorRef(out.ref).node);
    if (!root || state.get(root.name) === "done") continue;
    stack.push({ node: root, next: 0 });
    state.set(root.name, "open");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = top.node.input.filter((ref) => !ref.startsWith("^"));
      if (top.next >= inputs.length) {
        state.set(top.node.name, "done");
        order.push(top.node);
        stack.pop();
        continue;
      }
      const ref = inputs[top.next++]!;
      const name = parseTensorRef(ref).node;
      const child = byName.get(name);
      if (!child) {
        throw new EdgelensError("INVALID_MODEL", `Node "${top.node.name}" reads "${ref}", which is not in the graph`, {
          node: top.node.name,
          input: ref,
        });
      }
      const s = state.get(name);
      if (s === "open") throw new EdgelensError("INVALID_MODEL", `The graph has a cycle through node "${name}"`, { node: name });
      if (s === undefined) {
        state.set(name, "open");
        stack.push({ node: child, next: 0 });
      }
    }
  }
  return order;
}

/** Fails naming the first unsupported op and its node, and listing every other one. */
export function checkSupported(nodes: TfjsNode[]): void {
  const bad = nodes.filter((n) => !STRUCTURAL_OPS.has(n.op) && !Object.hasOwn(OP_MAPPERS, n.op));
  const first = bad[0];
  if (!first) return;
  const ops = [...new Set(bad.map((n) => n.op))];
  const more = bad.length > 1 ? ` (${bad.length} unsupported nodes in all; ops: ${ops.join(", ")})` : "";
  throw new EdgelensError("UNSUPPORTED_OP", `Unsupported TF.js op "${first.op}" at node "${first.name}"${more}`, {
    op: first.op,
    node: first.name,
    unsupported: bad.map((n) => ({ op: n.op, node: n.name })),
  });
}
