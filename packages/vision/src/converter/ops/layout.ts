import { attrBool } from "../attrs";
import { intAttr, intsAttr, stringAttr } from "../graph-builder";
import type { NodeContext, OpMapper } from "../node-context";

/**
 * The graph stays NHWC like TF; only Conv, pooling and Resize (NCHW-only in ONNX) get wrapped in
 * Transpose pairs. onnxruntime's transpose optimizer cancels the back-to-back pairs.
 */
export function toNchw(ctx: NodeContext, x: string): string {
  return ctx.g.memo(`nchw:${x}`, () => {
    const out = ctx.g.uniqueName(`${x}/nchw`);
    ctx.g.addNode("Transpose", out, [x], [out], [intsAttr("perm", [0, 3, 1, 2])]);
    ctx.setDtype(out, ctx.g.dtypeOf(x) ?? "float32");
    return out;
  });
}

export function fromNchw(ctx: NodeContext, y: string, out: string): void {
  ctx.emit("Transpose", [y], [out], [intsAttr("perm", [0, 2, 3, 1])]);
}

/** ONNX Resize wants all four output sizes: [N, C] of the NCHW input, then TF's [height, width]. */
function resizeSizes(ctx: NodeContext, xNchw: string): string {
  const batchAndChannels = ctx.g.memo(`nc:${xNchw}`, () => {
    const shape = ctx.tmp("shape");
    ctx.emit("Shape", [xNchw], [shape]);
    const nc = ctx.tmp("nc");
    ctx.emit("Slice", [shape, ctx.g.int64([0]), ctx.g.int64([2])], [nc]);
    return nc;
  });
  const sizes = ctx.tmp("sizes");
  ctx.emit("Concat", [batchAndChannels, ctx.int64Input(1)], [sizes], [intAttr("axis", 0)]);
  return sizes;
}

const resizeBilinear: OpMapper = (ctx) => {
  const alignCorners = attrBool(ctx.node, "align_corners", false);
  const halfPixel = attrBool(ctx.node, "half_pixel_centers", false);
  // TF's three coordinate conventions map one to one onto ONNX Resize's.
  const mode = alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric";
  // TF always resizes into float32.
  const x = toNchw(ctx, ctx.g.cast(ctx.input(0), "float32"));
  const y = ctx.tmp("resize");
  ctx.emit("Resize", [x, "", "", resizeSizes(ctx, x)], [y], [
    stringAttr("mode", "linear"),
    stringAttr("coordinate_transformation_mode", mode),
  ]);
  fromNchw(ctx, y, ctx.output());
  ctx.setDtype(ctx.output(), "float32");
};

export const layoutOps: Record<string, OpMapper> = { ResizeBilinear: resizeBilinear };
