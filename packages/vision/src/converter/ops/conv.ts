import type { OnnxAttributeProto } from "../../onnx/onnx-proto";
import { attrFloat, attrInts, attrString, attrStrings } from "../attrs";
import { floatAttr, intAttr, intsAttr, stringAttr } from "../graph-builder";
import type { NodeContext, OpMapper } from "../node-context";
import { permute } from "../permute";
import { fromNchw, toNchw } from "./layout";
import { fusedPrelu } from "./prelu";

/** stride/dilation/padding attributes shared by Conv and pooling, from TF's NHWC lists. */
function windowAttrs(ctx: NodeContext): OnnxAttributeProto[] {
  const { node } = ctx;
  if (attrString(node, "data_format", "NHWC") !== "NHWC") throw ctx.fail("only data_format NHWC is supported");
  const strides = attrInts(node, "strides", [1, 1, 1, 1]);
  const attrs = [intsAttr("strides", [strides[1] ?? 1, strides[2] ?? 1])];
  const padding = attrString(node, "padding", "VALID");
  // TF's SAME puts the odd padding pixel at the end, which is ONNX's SAME_UPPER.
  if (padding === "SAME") attrs.push(stringAttr("auto_pad", "SAME_UPPER"));
  else if (padding === "VALID") attrs.push(stringAttr("auto_pad", "VALID"));
  else if (padding === "EXPLICIT") {
    const p = attrInts(node, "explicit_paddings");
    attrs.push(intsAttr("pads", [p[2] ?? 0, p[4] ?? 0, p[3] ?? 0, p[5] ?? 0]));
  } else throw ctx.fail(`padding "${padding}" is not supported`);
  return attrs;
}

/** Filter as an OIHW initializer: HWIO for Conv2D, [kh,kw,C,M] -> [C*M,1,kh,kw] for depthwise. */
function convWeight(ctx: NodeContext, depthwise: boolean): { weight: string; group: number } {
  const filter = ctx.constInput(1);
  if (!filter || filter.dtype !== "float32" || filter.shape.length !== 4) {
    throw ctx.fail("the filter must be a constant float32 4-D tensor");
  }
  const [kh = 1, kw = 1, c = 1, m = 1] = filter.shape;
  const perm = depthwise ? [2, 3, 0, 1] : [3, 2, 0, 1];
  const dims = depthwise ? [c * m, 1, kh, kw] : [m, c, kh, kw];
  const weight = ctx.g.memo(`filter:${ctx.inputs[1]}:${depthwise}`, () =>
    ctx.g.floatWeight(
      `${ctx.inputs[1]}/oihw`,
      dims,
      permute(filter.data as Float32Array, filter.shape, perm),
      filter.half && permute(filter.half, filter.shape, perm),
    ),
  );
  return { weight, group: depthwise ? c : 1 };
}

/** Applies the fused activation of _FusedConv2D / FusedDepthwiseConv2dNative / _FusedMatMul (elementwise, so any layout). */
export function activation(ctx: NodeContext, op: string, x: string): string {
  const out = ctx.tmp(op.toLowerCase());
  if (op === "Relu") ctx.emit("Relu", [x], [out]);
  else if (op === "Relu6") ctx.emit("Clip", [x, ctx.g.scalar(0, "float32"), ctx.g.scalar(6, "float32")], [out]);
  else if (op === "Sigmoid") ctx.emit("Sigmoid", [x], [out]);
  else if (op === "Elu") ctx.emit("Elu", [x], [out]);
  else if (op === "LeakyRelu") ctx.emit("LeakyRelu", [x], [out], [floatAttr("alpha", attrFloat(ctx.node, "leakyrelu_alpha", 0.2))]);
  else throw ctx.fail(`fused op "${op}" is not supported`);
  return out;
}

function convolution(depthwise: boolean, fused: boolean): OpMapper {
  return (ctx) => {
    const attrs = windowAttrs(ctx);
    const dilations = attrInts(ctx.node, "dilations", [1, 1, 1, 1]);
    const { weight, group } = convWeight(ctx, depthwise);
    attrs.push(intsAttr("dilations", [dilations[1] ?? 1, dilations[2] ?? 1]), intAttr("group", group));
    const ops = fused ? attrStrings(ctx.node, "fused_ops") : [];
    const inputs = [toNchw(ctx, ctx.input(0)), weight];
    let rest = ops;
    if (ops[0] === "BiasAdd") {
      inputs.push(ctx.input(2));
      rest = ops.slice(1);
    }
    let y = ctx.tmp("conv");
    ctx.emit("Conv", inputs, [y], attrs);
    // Fused args follow input and filter in fused_ops order: the bias, then Prelu's alpha.
    for (const op of rest) y = op === "Prelu" ? fusedPrelu(ctx, y, inputs.length) : activation(ctx, op, y);
    fromNchw(ctx, y, ctx.output());
  };
}

function pooling(onnxOp: "MaxPool" | "AveragePool"): OpMapper {
  return (ctx) => {
    const k = attrInts(ctx.node, "ksize");
    if (k[0] !== 1 || k[3] !== 1) throw ctx.fail("pooling over batch or channels is not supported");
    const attrs = [...windowAttrs(ctx), intsAttr("kernel_shape", [k[1] ?? 1, k[2] ?? 1])];
    const y = ctx.tmp("pool");
    ctx.emit(onnxOp, [toNchw(ctx, ctx.input(0))], [y], attrs);
    fromNchw(ctx, y, ctx.output());
  };
}

export const convOps: Record<string, OpMapper> = {
  Conv2D: convolution(false, false),
  _FusedConv2D: convolution(false, true),
  DepthwiseConv2dNative: convolution(true, false),
  FusedDepthwiseConv2dNative: convolution(true, true),
  MaxPool: pooling("MaxPool"),
  AvgPool: pooling("AveragePool"),
};
