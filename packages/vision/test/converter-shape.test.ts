import { describe, expect, it } from "vitest";
import { attr, convertAndRun, f32, TfjsModelBuilder, values } from "./converter-fixtures";

/** 0..23 as a [2,3,4] tensor: value = 12*i + 4*j + k, so every slice is easy to predict. */
const X = Array.from({ length: 24 }, (_, i) => i);
const at = (i: number, j: number, k: number): number => 12 * i + 4 * j + k;
const base = (): TfjsModelBuilder => new TfjsModelBuilder().placeholder("x", "float32", [2, 3, 4]);
const feeds = { x: f32(X, [2, 3, 4]) };

function sliceModel(begin: number[], end: number[], strides: number[], masks: Record<string, number>): TfjsModelBuilder {
  return base()
    .constant("b", begin, [begin.length], "int32")
    .constant("e", end, [end.length], "int32")
    .constant("s", strides, [strides.length], "int32")
    .node("y", "StridedSlice", ["x", "b", "e", "s"], Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, attr.i(v)])))
    .outputs("y");
}

describe("converter: shape ops", () => {
  it("Reshape with -1 and ExpandDims / Squeeze", async () => {
    const m = base()
      .constant("shape", [-1, 4], [2], "int32")
      .constant("axis", [-1], [], "int32")
      .node("r", "Reshape", ["x", "shape"])
      .node("e", "ExpandDims", ["r", "axis"])
      .node("s", "Squeeze", ["e"], { squeeze_dims: attr.ints([2]) })
      .outputs("r", "e", "s");
    const { outputs } = await convertAndRun(m, feeds);
    expect(outputs.r?.dims).toEqual([6, 4]);
    expect(outputs.e?.dims).toEqual([6, 4, 1]);
    expect(outputs.s?.dims).toEqual([6, 4]);
    expect(values(outputs.s)).toEqual(X);
  });

  it("Pack on axis 1 and Unpack with a second output referenced as name:1", async () => {
    const m = base()
      .node("u", "Unpack", ["x"], { num: attr.i(3), axis: attr.i(1) })
      .node("p", "Pack", ["u:2", "u"], { N: attr.i(2), axis: attr.i(1) })
      .node("second", "Identity", ["u:1"])
      .outputs("p", "second");
    const { outputs } = await convertAndRun(m, feeds);
    expect(outputs.second?.dims).toEqual([2, 4]);
    expect(values(outputs.second)).toEqual([at(0, 1, 0), at(0, 1, 1), at(0, 1, 2), at(0, 1, 3), at(1, 1, 0), at(1, 1, 1), at(1, 1, 2), at(1, 1, 3)]);
    expect(outputs.p?.dims).toEqual([2, 2, 4]);
    expect(values(outputs.p).slice(0, 8)).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
  });

  it("ConcatV2 takes its axis from the last input", async () => {
    const m = base().constant("axis", [-1], [], "int32").node("c", "ConcatV2", ["x", "x", "axis"], { N: attr.i(2) }).outputs("c");
    const { outputs } = await convertAndRun(m, feeds);
    expect(outputs.c?.dims).toEqual([2, 3, 8]);
    expect(values(outputs.c).slice(0, 8)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it("StridedSlice with begin/end masks (x[:, :, 1:3])", async () => {
    const { outputs } = await convertAndRun(sliceModel([0, 0, 1], [0, 0, 3], [1, 1, 1], { begin_mask: 3, end_mask: 3 }), feeds);
    expect(outputs.y?.dims).toEqual([2, 3, 2]);
    expect(values(outputs.y).slice(0, 4)).toEqual([1, 2, 5, 6]);
  });

  it("StridedSlice with shrink_axis_mask (x[:, -1, 2])", async () => {
    const { outputs } = await convertAndRun(sliceModel([0, -1, 2], [0, 0, 3], [1, 1, 1], { begin_mask: 1, end_mask: 1, shrink_axis_mask: 6 }), feeds);
    expect(outputs.y?.dims).toEqual([2]);
    expect(values(outputs.y)).toEqual([at(0, 2, 2), at(1, 2, 2)]);
  });

  it("StridedSlice with a negative stride (x[1, ::-1, ::2])", async () => {
    const { outputs } = await convertAndRun(sliceModel([1, 0, 0], [2, 0, 0], [1, -1, 2], { begin_mask: 6, end_mask: 6, shrink_axis_mask: 1 }), feeds);
    expect(outputs.y?.dims).toEqual([3, 2]);
    expect(values(outputs.y)).toEqual([at(1, 2, 0), at(1, 2, 2), at(1, 1, 0), at(1, 1, 2), at(1, 0, 0), at(1, 0, 2)]);
  });

  it("Pad with [[b, e], ...] paddings", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [1, 2, 2, 1])
      .constant("paddings", [0, 0, 1, 0, 0, 2, 0, 0], [4, 2], "int32")
      .node("y", "Pad", ["x", "paddings"])
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32([1, 2, 3, 4], [1, 2, 2, 1]) });
    expect(outputs.y?.dims).toEqual([1, 3, 4, 1]);
    expect(values(outputs.y)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  });
});
