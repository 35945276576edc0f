import { describe, expect, it } from "vitest";
import { attr, convertAndRun, f32, i32, maxAbsDiff, TfjsModelBuilder, values } from "./converter-fixtures";

const A = [-3.5, -1, 0, 0.25, 2, 7.5];
const B = [2, -0.5, 4];

function binaryModel(op: string): TfjsModelBuilder {
  // b broadcasts over the last axis like NHWC bias/scale tensors do.
  return new TfjsModelBuilder()
    .placeholder("a", "float32", [2, 3])
    .constant("b", B, [3])
    .node("y", op, ["a", "b"])
    .outputs("y");
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const floorMod = (a: number, b: number): number => a - Math.floor(a / b) * b;

describe("converter: elementwise ops", () => {
  const binaries: [string, (a: number, b: number) => number][] = [
    ["Add", (a, b) => a + b],
    ["AddV2", (a, b) => a + b],
    ["Sub", (a, b) => a - b],
    ["Mul", (a, b) => a * b],
    ["RealDiv", (a, b) => a / b],
    ["SquaredDifference", (a, b) => (a - b) ** 2],
    ["FloorDiv", floorDiv],
    ["FloorMod", floorMod],
    ["Maximum", Math.max],
    ["Prelu", (a, b) => (a >= 0 ? a : a * b)],
  ];
  for (const [op, fn] of binaries) {
    it(`${op} (float32, broadcast)`, async () => {
      const { outputs } = await convertAndRun(binaryModel(op), { a: f32(A, [2, 3]) });
      expect(outputs.y?.dims).toEqual([2, 3]);
      expect(maxAbsDiff(values(outputs.y), A.map((a, i) => fn(a, B[i % 3] ?? NaN)))).toBeLessThan(1e-6);
    });
  }

  const unaries: [string, (v: number) => number][] = [
    ["Relu", (v) => Math.max(0, v)],
    ["Relu6", (v) => Math.min(6, Math.max(0, v))],
    ["Sigmoid", (v) => 1 / (1 + Math.exp(-v))],
    ["Identity", (v) => v],
    ["Neg", (v) => -v],
  ];
  for (const [op, fn] of unaries) {
    it(`${op}`, async () => {
      const m = new TfjsModelBuilder().placeholder("a", "float32", [2, 3]).node("y", op, ["a"]).outputs("y");
      const { outputs } = await convertAndRun(m, { a: f32(A, [2, 3]) });
      expect(maxAbsDiff(values(outputs.y), A.map(fn))).toBeLessThan(1e-6);
    });
  }

  it("Sqrt", async () => {
    const m = new TfjsModelBuilder().placeholder("a", "float32", [4]).node("y", "Sqrt", ["a"]).outputs("y");
    const { outputs } = await convertAndRun(m, { a: f32([0, 1, 2, 9], [4]) });
    expect(maxAbsDiff(values(outputs.y), [0, 1, Math.SQRT2, 3])).toBeLessThan(1e-6);
  });

  it("FloorDiv and FloorMod on int32 floor toward -inf (ONNX Div alone truncates)", async () => {
    const a = [7, -7, 7, -7, 0, 5];
    const b = [2, 2, -2, -2, 3, 5];
    const m = new TfjsModelBuilder()
      .placeholder("a", "int32", [6])
      .constant("b", b, [6], "int32")
      .node("q", "FloorDiv", ["a", "b"])
      .node("r", "FloorMod", ["a", "b"])
      .outputs("q", "r");
    const { outputs } = await convertAndRun(m, { a: i32(a, [6]) });
    expect(outputs.q?.type).toBe("int32");
    expect(values(outputs.q)).toEqual([3, -4, -4, 3, 0, 1]);
    expect(values(outputs.r)).toEqual([1, 1, -1, -1, 0, 0]);
  });

  it("Equal -> bool, Cast bool->float and int->float", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("a", "int32", [4])
      .constant("b", [1, 2, 0, 4], [4], "int32")
      .node("eq", "Equal", ["a", "b"], { incompatible_shape_error: attr.b(true) })
      .node("eqf", "Cast", ["eq"], { SrcT: attr.type("DT_BOOL"), DstT: attr.type("DT_FLOAT") })
      .node("af", "Cast", ["a"], { SrcT: attr.type("DT_INT32"), DstT: attr.type("DT_FLOAT") })
      .outputs("eq", "eqf", "af");
    const { outputs } = await convertAndRun(m, { a: i32([1, 5, 0, -3], [4]) });
    expect(outputs.eq?.type).toBe("bool");
    expect(values(outputs.eq)).toEqual([1, 0, 1, 0]);
    expect(outputs.eqf?.type).toBe("float32");
    expect(values(outputs.eqf)).toEqual([1, 0, 1, 0]);
    expect(values(outputs.af)).toEqual([1, 5, 0, -3]);
  });

  it("Mean over H,W with keep_dims (squeeze-excite pooling)", async () => {
    const x = [1, 10, 2, 20, 3, 30, 4, 40]; // [1,2,2,2] NHWC
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [1, 2, 2, 2])
      .constant("axes", [1, 2], [2], "int32")
      .node("keep", "Mean", ["x", "axes"], { keep_dims: attr.b(true) })
      .node("drop", "Mean", ["x", "axes"], { keep_dims: attr.b(false) })
      .outputs("keep", "drop");
    const { outputs } = await convertAndRun(m, { x: f32(x, [1, 2, 2, 2]) });
    expect(outputs.keep?.dims).toEqual([1, 1, 1, 2]);
    expect(values(outputs.keep)).toEqual([2.5, 25]);
    expect(outputs.drop?.dims).toEqual([1, 2]);
  });
});
