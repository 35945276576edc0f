import { attrBool } from "../attrs";
import { intAttr, intsAttr } from "../graph-builder";
import type { OpMapper } from "../node-context";

/**
 * Opset 17: ReduceSum takes axes as an input, the other reductions as an attribute. TF reduces
 * nothing for empty axes while ONNX would reduce everything, so that case is an Identity.
 */
function reduce(onnxOp: string): OpMapper {
  return (ctx) => {
    const axes = ctx.constInts(1, "reduction_indices");
    if (axes.length === 0) {
      ctx.emit("Identity", [ctx.input(0)], [ctx.output()]);
      return;
    }
    const keepdims = intAttr("keepdims", attrBool(ctx.node, "keep_dims", false) ? 1 : 0);
    if (onnxOp === "ReduceSum") ctx.emit(onnxOp, [ctx.input(0), ctx.g.int64(axes)], [ctx.output()], [keepdims]);
    else ctx.emit(onnxOp, [ctx.input(0)], [ctx.output()], [intsAttr("axes", axes), keepdims]);
  };
}

export const reduceOps: Record<string, OpMapper> = {
  Mean: reduce("ReduceMean"),
  Sum: reduce("ReduceSum"),
  Max: reduce("ReduceMax"),
  Min: reduce("ReduceMin"),
  Prod: reduce("ReduceProd"),
};
