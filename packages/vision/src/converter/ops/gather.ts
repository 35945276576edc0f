import { attrDtype, attrInt } from "../attrs";
import { intAttr, ONNX_DTYPE } from "../graph-builder";
import type { OpMapper } from "../node-context";

const gatherV2: OpMapper = (ctx) => {
  if (attrInt(ctx.node, "batch_dims", 0) !== 0) throw ctx.fail("batch_dims other than 0 is not supported");
  const [axis] = ctx.constInts(2, "axis");
  ctx.emit("Gather", [ctx.input(0), ctx.input(1)], [ctx.output()], [intAttr("axis", axis ?? 0)]);
};

const gatherNd: OpMapper = (ctx) => {
  ctx.emit("GatherND", [ctx.input(0), ctx.int64Input(1)], [ctx.output()]);
};

/** TopKV2 works on the last axis; ONNX TopK returns int64 indices where TF returns int32. */
const topK: OpMapper = (ctx) => {
  const [k] = ctx.constInts(1, "k");
  const indices = ctx.tmp("indices");
  ctx.emit("TopK", [ctx.input(0), ctx.g.int64([k ?? 1])], [ctx.output(0), indices], [
    intAttr("axis", -1),
    intAttr("largest", 1),
    intAttr("sorted", 1),
  ]);
  ctx.setDtype(indices, "int64");
  ctx.emit("Cast", [indices], [ctx.output(1)], [intAttr("to", ONNX_DTYPE.int32)]);
  ctx.setDtype(ctx.output(0), ctx.dtype(0));
  ctx.setDtype(ctx.output(1), "int32");
};

function argExtreme(onnxOp: "ArgMax" | "ArgMin"): OpMapper {
  return (ctx) => {
    const [axis] = ctx.constInts(1, "dimension");
    const to = ctx.node.attr.output_type ? attrDtype(ctx.node, "output_type") : "int64";
    const raw = ctx.tmp(onnxOp.toLowerCase());
    ctx.emit(onnxOp, [ctx.input(0)], [raw], [intAttr("axis", axis ?? 0), intAttr("keepdims", 0)]);
    ctx.setDtype(raw, "int64");
    ctx.emit("Identity", [ctx.g.cast(raw, to)], [ctx.output()]);
    ctx.setDtype(ctx.output(), to);
  };
}

export const gatherOps: Record<string, OpMapper> = {
  GatherV2: gatherV2,
  GatherNd: gatherNd,
  TopKV2: topK,
  ArgMax: argExtreme("ArgMax"),
  ArgMin: argExtreme("ArgMin"),
};
