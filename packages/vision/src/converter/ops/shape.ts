import { attrDtype, attrInt, attrInts } from "../attrs";
import { intAttr, intsAttr, stringAttr } from "../graph-builder";
import type { OpMapper } from "../node-context";

const reshape: OpMapper = (ctx) => {
  const shape = ctx.constInput(1);
  // TF's 0 in a shape means an empty dim; ONNX reads 0 as "copy" unless allowzero=1.
  const hasZero = shape !== undefined && Array.from(shape.data).includes(0);
  ctx.emit("Reshape", [ctx.input(0), ctx.int64Input(1)], [ctx.output()], hasZero ? [intAttr("allowzero", 1)] : []);
};

/** TF ExpandDims' axis counts in the output rank, as ONNX Unsqueeze's does. */
const expandDims: OpMapper = (ctx) => {
  const axes = ctx.constInts(1, "axis");
  ctx.emit("Unsqueeze", [ctx.input(0), ctx.g.int64(axes)], [ctx.output()]);
};

const squeeze: OpMapper = (ctx) => {
  const dims = attrInts(ctx.node, "squeeze_dims", attrInts(ctx.node, "axis", []));
  const inputs = dims.length > 0 ? [ctx.input(0), ctx.g.int64(dims)] : [ctx.input(0)];
  ctx.emit("Squeeze", inputs, [ctx.output()]);
};

/** Pack = Unsqueeze each input at `axis`, then Concat along it. */
const pack: OpMapper = (ctx) => {
  const axis = attrInt(ctx.node, "axis", 0);
  const parts = ctx.inputs.map((_, i) => {
    const part = ctx.tmp(`unsqueeze_${i}`);
    ctx.emit("Unsqueeze", [ctx.input(i), ctx.g.int64([axis])], [part]);
    return part;
  });
  ctx.emit("Concat", parts, [ctx.output()], [intAttr("axis", axis)]);
};

/** Unpack = Split into `num` pieces along `axis`, then Squeeze that axis from each. */
const unpack: OpMapper = (ctx) => {
  const axis = attrInt(ctx.node, "axis", 0);
  const num = attrInt(ctx.node, "num");
  const dtype = ctx.dtype(0);
  const pieces = Array.from({ length: num }, (_, k) => (num === 1 ? ctx.input(0) : ctx.tmp(`split_${k}`)));
  if (num > 1) ctx.emit("Split", [ctx.input(0), ctx.g.int64(new Array<number>(num).fill(1))], pieces, [intAttr("axis", axis)]);
  pieces.forEach((piece, k) => {
    ctx.emit("Squeeze", [piece, ctx.g.int64([axis])], [ctx.output(k)]);
    ctx.setDtype(ctx.output(k), dtype);
  });
};

/** ConcatV2 carries its axis as the last input; the old Concat as the first. */
function concat(axisFirst: boolean): OpMapper {
  return (ctx) => {
    const n = ctx.inputs.length;
    const axisIndex = axisFirst ? 0 : n - 1;
    const [axis] = ctx.constInts(axisIndex, "axis");
    const data = ctx.inputs.map((_, i) => i).filter((i) => i !== axisIndex);
    ctx.emit("Concat", data.map((i) => ctx.input(i)), [ctx.output()], [intAttr("axis", axis ?? 0)]);
    ctx.setDtype(ctx.output(), ctx.dtype(data[0] ?? 0));
  };
}

/** TF paddings [[begin, end], ...] become ONNX pads [begins..., ends...]. */
const pad: OpMapper = (ctx) => {
  const flat = ctx.constInts(1, "paddings");
  const begins = flat.filter((_, i) => i % 2 === 0);
  const ends = flat.filter((_, i) => i % 2 === 1);
  const inputs = [ctx.input(0), ctx.g.int64([...begins, ...ends])];
  if (ctx.node.op === "PadV2") inputs.push(ctx.input(2));
  ctx.emit("Pad", inputs, [ctx.output()], [stringAttr("mode", "constant")]);
};

const transpose: OpMapper = (ctx) => {
  ctx.emit("Transpose", [ctx.input(0)], [ctx.output()], [intsAttr("perm", ctx.constInts(1, "perm"))]);
};

const shape: OpMapper = (ctx) => {
  const to = ctx.node.attr.out_type ? attrDtype(ctx.node, "out_type") : "int32";
  const raw = ctx.tmp("shape");
  ctx.emit("Shape", [ctx.input(0)], [raw]);
  ctx.setDtype(raw, "int64");
  ctx.emit("Identity", [ctx.g.cast(raw, to)], [ctx.output()]);
  ctx.setDtype(ctx.output(), to);
};

export const shapeOps: Record<string, OpMapper> = {
  Reshape: reshape,
  ExpandDims: expandDims,
  Squeeze: squeeze,
  Pack: pack,
  Unpack: unpack,
  ConcatV2: concat(false),
  Concat: concat(true),
  Pad: pad,
  PadV2: pad,
  Transpose: transpose,
  Shape: shape,
};
