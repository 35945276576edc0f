import type { NodeContext, OpMapper } from "../node-context";
import { permute } from "../permute";

/**
 * tfjs-converter fuses Keras PReLU (`relu(x) - alpha * relu(-x)`) into `Prelu(x, alpha)`, on its
 * own or as a `fused_ops` entry of _FusedConv2D (facemesh). alpha covers the trailing NHWC axes
 * (`[C]`, `[1,1,C]`, `[H,W,C]`), which ONNX PRelu broadcasts onto NHWC x as they are.
 */
const prelu: OpMapper = (ctx) => ctx.emit("PRelu", [ctx.input(0), ctx.input(1)], [ctx.output()]);

/** A fused Prelu after a Conv, in NCHW: its alpha (input `arg`) as a `[C,H,W]` initializer. */
export function fusedPrelu(ctx: NodeContext, x: string, arg: number): string {
  const alpha = ctx.constInput(arg);
  if (!alpha || alpha.dtype !== "float32" || alpha.shape.length > 3) {
    throw ctx.fail("a fused Prelu needs a constant float32 alpha of rank <= 3");
  }
  const hwc = [...Array<number>(3 - alpha.shape.length).fill(1), ...alpha.shape];
  const perm = [2, 0, 1];
  const ref = ctx.inputs[arg] ?? "";
  const weight = ctx.g.memo(`alpha-chw:${ref}`, () =>
    ctx.g.floatWeight(
      `${ref}/chw`,
      perm.map((p) => hwc[p] ?? 1),
      permute(alpha.data as Float32Array, hwc, perm),
      alpha.half && permute(alpha.half, hwc, perm),
    ),
  );
  const out = ctx.tmp("prelu");
  ctx.emit("PRelu", [x, weight], [out]);
  return out;
}

export const preluOps: Record<string, OpMapper> = {
  Prelu: prelu,
};
