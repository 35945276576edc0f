import { describe, expect, it } from "vitest";
import { convertTfjsGraphModelFromFiles } from "../src/converter/index";
import { createOrtModelRunner, type TensorLike } from "../src/onnx/index";
import { f32, i32, TfjsModelBuilder, values } from "./converter-fixtures";

async function doubler(): Promise<Uint8Array> {
  const m = new TfjsModelBuilder()
    .placeholder("x", "float32", [1, 3])
    .constant("two", [2], [])
    .node("y", "Mul", ["x", "two"])
    .node("n", "Cast", ["y"], { DstT: { type: "DT_INT32" } })
    .outputs("y", "n");
  return (await convertTfjsGraphModelFromFiles({ modelJson: m.modelJson(), weights: new Map([["group1-shard1of1.bin", m.shard()]]) })).onnx;
}

describe("createOrtModelRunner (ModelRunner over onnxruntime-node)", () => {
  it("runs a model and returns plain tensors", async () => {
    const runner = await createOrtModelRunner(await doubler(), { name: "doubler", threads: 1 });
    try {
      expect(runner.name).toBe("doubler");
      expect(runner.inputs).toEqual([{ name: "x", type: "float32", shape: [1, 3] }]);
      expect(runner.outputs.map((o) => [o.name, o.type])).toEqual([["y", "float32"], ["n", "int32"]]);
      const out = await runner.run({ x: f32([1.5, -2, 3.25], [1, 3]) });
      expect(out.y).toMatchObject({ type: "float32", dims: [1, 3] });
      expect(values(out.y)).toEqual([3, -4, 6.5]);
      expect(out.n?.data).toBeInstanceOf(Int32Array);
      expect(values(out.n)).toEqual([3, -4, 6]);
    } finally {
      await runner.dispose();
    }
  });

  it("names the missing or mistyped input, and refuses to run after dispose", async () => {
    const runner = await createOrtModelRunner(await doubler(), { name: "doubler" });
    await expect(runner.run({})).rejects.toMatchObject({ code: "INVALID_PAYLOAD", context: { model: "doubler", input: "x" } });
    await expect(runner.run({ x: i32([1, 2, 3], [1, 3]) })).rejects.toMatchObject({ code: "INVALID_PAYLOAD", message: expect.stringContaining("float32") });
    const wrongShape: TensorLike = f32([1, 2], [1, 2]);
    await expect(runner.run({ x: wrongShape })).rejects.toMatchObject({ code: "FUNCTION_FAILED" });
    await runner.dispose();
    await runner.dispose();
    await expect(runner.run({ x: f32([1, 2, 3], [1, 3]) })).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("disposed") });
  });

  it("fails to load a non-model with MODEL_LOAD_FAILED", async () => {
    await expect(createOrtModelRunner(new TextEncoder().encode("nope"), { name: "broken" })).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      context: { model: "broken" },
    });
  });
});
