import { attrInt } from "../attrs";
import type { OpMapper } from "../node-context";

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

const bit = (mask: number, i: number): boolean => ((mask >> i) & 1) === 1;

/**
 * StridedSlice -> Slice over the leading axes, then Squeeze for shrink_axis_mask. Masked begins
 * and ends become the int64 extremes, which ONNX Slice clamps to the dimension.
 */
const stridedSlice: OpMapper = (ctx) => {
  const { node } = ctx;
  if (attrInt(node, "ellipsis_mask", 0) !== 0 || attrInt(node, "new_axis_mask", 0) !== 0) {
    throw ctx.fail("ellipsis_mask and new_axis_mask are not supported");
  }
  const begin = ctx.constInts(1, "begin");
  const end = ctx.constInts(2, "end");
  const strides = ctx.constInts(3, "strides");
  const beginMask = attrInt(node, "begin_mask", 0);
  const endMask = attrInt(node, "end_mask", 0);
  const shrinkMask = attrInt(node, "shrink_axis_mask", 0);
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const steps: bigint[] = [];
  const shrink: number[] = [];
  begin.forEach((b, i) => {
    const step = strides[i] ?? 1;
    if (bit(shrinkMask, i)) {
      shrink.push(i);
      starts.push(BigInt(b));
      ends.push(b === -1 ? INT64_MAX : BigInt(b + 1));
      steps.push(1n);
      return;
    }
    starts.push(bit(beginMask, i) ? (step > 0 ? 0n : INT64_MAX) : BigInt(b));
    ends.push(bit(endMask, i) ? (step > 0 ? INT64_MAX : INT64_MIN) : BigInt(end[i] ?? 0));
    steps.push(BigInt(step));
  });
  const axes = begin.map((_, i) => i);
  const sliced = shrink.length > 0 ? ctx.tmp("slice") : ctx.output();
  const g = ctx.g;
  ctx.emit("Slice", [ctx.input(0), g.int64(starts), g.int64(ends), g.int64(axes), g.int64(steps)], [sliced]);
  if (shrink.length > 0) ctx.emit("Squeeze", [sliced, g.int64(shrink)], [ctx.output()]);
};

export const sliceOps: Record<string, OpMapper> = { StridedSlice: stridedSlice };
