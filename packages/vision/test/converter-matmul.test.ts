import { describe, expect, it } from "vitest";
import { attr, convertAndRun, f32, maxAbsDiff, seeded, TfjsModelBuilder, values } from "./converter-fixtures";

// x [2,3] @ w [3,4] (+ bias [4]), the dense layers of faceres' heads.
const X = [0.5, -1, 2, 1.5, 0, -0.25];
const W = seeded(12, 7);
const BIAS = [0.1, -2, 0.3, 0.4];

function reference(transposeB: boolean, bias: boolean, relu: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 4; c++) {
      let s = bias ? (BIAS[c] ?? 0) : 0;
      // W is laid out [3,4], or [4,3] when transpose_b says the graph stores it transposed.
      for (let k = 0; k < 3; k++) s += (X[r * 3 + k] ?? 0) * (W[transposeB ? c * 3 + k : k * 4 + c] ?? 0);
      out.push(relu ? Math.max(0, s) : s);
    }
  }
  return out;
}

describe("converter: MatMul, _FusedMatMul, Softmax", () => {
  it("MatMul", async () => {
    const m = new TfjsModelBuilder().placeholder("x", "float32", [2, 3]).constant("w", W, [3, 4]).node("y", "MatMul", ["x", "w"]).outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32(X, [2, 3]) });
    expect(outputs.y?.dims).toEqual([2, 4]);
    expect(maxAbsDiff(values(outputs.y), reference(false, false, false))).toBeLessThan(1e-5);
  });

  it("MatMul with transpose_b", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 3])
      .constant("w", W, [4, 3])
      .node("y", "MatMul", ["x", "w"], { transpose_b: attr.b(true) })
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32(X, [2, 3]) });
    expect(maxAbsDiff(values(outputs.y), reference(true, false, false))).toBeLessThan(1e-5);
  });

  it("_FusedMatMul BiasAdd+Relu (faceres' feats layer)", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 3])
      .constant("w", W, [3, 4])
      .constant("b", BIAS, [4])
      .node("y", "_FusedMatMul", ["x", "w", "b"], { fused_ops: attr.strs(["BiasAdd", "Relu"]), num_args: attr.i(1) })
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32(X, [2, 3]) });
    const want = reference(false, true, true);
    expect(want.some((v) => v === 0) && want.some((v) => v > 0)).toBe(true);
    expect(maxAbsDiff(values(outputs.y), want)).toBeLessThan(1e-5);
  });

  it("_FusedMatMul with an unsupported fused op names it", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2, 3])
      .constant("w", W, [3, 4])
      .constant("b", BIAS, [4])
      .node("y", "_FusedMatMul", ["x", "w", "b"], { fused_ops: attr.strs(["BiasAdd", "Gelu"]), num_args: attr.i(1) })
      .outputs("y");
    await expect(convertAndRun(m, { x: f32(X, [2, 3]) })).rejects.toMatchObject({ code: "UNSUPPORTED_OP", message: expect.stringContaining("Gelu") });
  });

  it("Softmax over the last axis", async () => {
    const m = new TfjsModelBuilder().placeholder("x", "float32", [2, 3]).node("y", "Softmax", ["x"]).outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32(X, [2, 3]) });
    const want = [0, 1].flatMap((r) => {
      const row = X.slice(r * 3, r * 3 + 3);
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      return row.map((v) => Math.exp(v) / z);
    });
    expect(maxAbsDiff(values(outputs.y), want)).toBeLessThan(1e-6);
  });
});
