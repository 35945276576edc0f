import { describe, expect, it } from "vitest";
import { attr, convertAndRun, f32, i32, TfjsModelBuilder, values } from "./converter-fixtures";

const SCORES = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8, 0.4];

describe("converter: gather, top-k and arg-max", () => {
  it("GatherV2 with int32 indices on axis 1", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 4])
      .placeholder("idx", "int32", [3])
      .constant("axis", [1], [], "int32")
      .node("y", "GatherV2", ["x", "idx", "axis"], { batch_dims: attr.i(0) })
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32(SCORES, [2, 4]), idx: i32([3, 0, 3], [3]) });
    expect(outputs.y?.dims).toEqual([2, 3]);
    expect(values(outputs.y).map((v) => Math.round(v * 10))).toEqual([7, 1, 7, 4, 5, 4]);
  });

  it("GatherNd with int32 index tuples", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 2, 2])
      .constant("idx", [1, 0, 0, 1, 1, 1], [3, 2], "int32")
      .node("y", "GatherNd", ["x", "idx"])
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]) });
    expect(outputs.y?.dims).toEqual([3, 2]);
    expect(values(outputs.y)).toEqual([4, 5, 2, 3, 6, 7]);
  });

  it("TopKV2 gives sorted values and int32 indices (output :1)", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [1, 8])
      .constant("k", [3], [], "int32")
      .node("top", "TopKV2", ["x", "k"], { sorted: attr.b(true) })
      .node("idx", "Identity", ["top:1"])
      .outputs("top", "idx");
    const { outputs } = await convertAndRun(m, { x: f32(SCORES, [1, 8]) });
    expect(outputs.top?.dims).toEqual([1, 3]);
    expect(values(outputs.top).map((v) => Math.round(v * 10))).toEqual([9, 8, 7]);
    expect(outputs.idx?.type).toBe("int32");
    expect(values(outputs.idx)).toEqual([1, 6, 3]);
  });

  it("ArgMax with output_type int32 drops the axis", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 4])
      .constant("dim", [1], [], "int32")
      .node("am", "ArgMax", ["x", "dim"], { output_type: attr.type("DT_INT32") })
      .outputs("am");
    const { outputs } = await convertAndRun(m, { x: f32(SCORES, [2, 4]) });
    expect(outputs.am?.type).toBe("int32");
    expect(outputs.am?.dims).toEqual([2]);
    expect(values(outputs.am)).toEqual([1, 2]);
  });
});
