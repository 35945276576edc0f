import { attrBool, attrStrings } from "../attrs";
import { intAttr, intsAttr } from "../graph-builder";
import type { NodeContext, OpMapper } from "../node-context";
import { activation } from "./conv";

/** TF's transpose_a/b flags: ONNX MatMul has none, so a 2-D operand is transposed first. */
function operand(ctx: NodeContext, i: number, transpose: boolean): string {
  const x = ctx.input(i);
  if (!transpose) return x;
  const t = ctx.tmp(`t${i}`);
  ctx.emit("Transpose", [x], [t], [intsAttr("perm", [1, 0])]);
  return t;
}

function matMul(fused: boolean): OpMapper {
  return (ctx) => {
    const a = operand(ctx, 0, attrBool(ctx.node, "transpose_a", false));
    const b = operand(ctx, 1, attrBool(ctx.node, "transpose_b", false));
    const ops = fused ? attrStrings(ctx.node, "fused_ops") : [];
    let y = ctx.tmp("matmul");
    ctx.emit("MatMul", [a, b], [y]);
    let rest = ops;
    if (ops[0] === "BiasAdd") {
      const biased = ctx.tmp("bias");
      ctx.emit("Add", [y, ctx.input(2)], [biased]);
      y = biased;
      rest = ops.slice(1);
    }
    // Why no Prelu here: tfjs-converter only fuses it into convolutions; anything else is refused by name.
    for (const op of rest) y = activation(ctx, op, y);
    ctx.emit("Identity", [y], [ctx.output()]);
  };
}

/** TF Softmax is over the last axis, which is what opset-13+ ONNX Softmax does with axis -1. */
const softmax: OpMapper = (ctx) => ctx.emit("Softmax", [ctx.input(0)], [ctx.output()], [intAttr("axis", -1)]);

export const matMulOps: Record<string, OpMapper> = {
  MatMul: matMul(false),
  _FusedMatMul: matMul(true),
  Softmax: softmax,
};
