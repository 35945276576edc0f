import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  convertTfjsGraphModel,
  convertTfjsGraphModelFromFiles,
  float16BitsToNumber,
  runConvertCommand,
  type ConversionProgress,
} from "../src/converter/index";
import { inspectOnnx } from "../src/onnx/inspect";
import { attr, convertAndRun, f32, TfjsModelBuilder, values } from "./converter-fixtures";

const tiny = (): TfjsModelBuilder =>
  new TfjsModelBuilder()
    .placeholder("x", "float32", [1, 2])
    .constant("w", [1, 2], [2])
    .node("y", "Mul", ["x", "w"])
    .outputs("y");

describe("converter: weights (float16 and affine quantization)", () => {
  it("dequantizes float16 weights exactly, subnormals and signed zero included", async () => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x8000, 0x3800];
    const expected = [1, -2, 0.333251953125, 2 ** -24, 65504, -0, 0.5];
    const m = new TfjsModelBuilder()
      .rawConstant("w", "DT_FLOAT", { shape: [7], dtype: "float32", quantization: { dtype: "float16", original_dtype: "float32" } }, new Uint8Array(Uint16Array.from(bits).buffer))
      .node("y", "Identity", ["w"])
      .outputs("y");
    const { outputs } = await convertAndRun(m, {});
    expect(values(outputs.y)).toEqual(expected.map(Math.fround));
  });

  it("decodes float16 infinities and NaN", () => {
    expect(float16BitsToNumber(0x7c00)).toBe(Infinity);
    expect(float16BitsToNumber(0xfc00)).toBe(-Infinity);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
  });

  it("dequantizes uint8 weights as q * scale + min", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [3])
      .rawConstant("w", "DT_FLOAT", { shape: [3], dtype: "float32", quantization: { dtype: "uint8", scale: 0.1, min: -1, original_dtype: "float32" } }, Uint8Array.from([0, 128, 255]))
      .node("y", "AddV2", ["x", "w"])
      .outputs("y");
    const { outputs } = await convertAndRun(m, { x: f32([0, 0, 0], [3]) });
    const y = values(outputs.y);
    [-1, 11.8, 24.5].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });
});

describe("converter: errors", () => {
  it("an unsupported op fails naming the op and the node", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [2])
      .node("block/erf", "Erf", ["x"])
      .node("block/cos", "Cos", ["block/erf"])
      .outputs("block/cos");
    const err = await convertAndRun(m, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNSUPPORTED_OP", context: { op: "Erf", node: "block/erf" } });
    expect((err as Error).message).toContain('"Erf"');
    expect((err as Error).message).toContain('"block/erf"');
    expect((err as Error).message).toContain("Cos");
  });

  it("corrupt model.json: not JSON, no topology, a layers model", async () => {
    const files = tiny().write();
    try {
      writeFileSync(files.path, "{ not json");
      await expect(convertTfjsGraphModel(files.path)).rejects.toMatchObject({ code: "INVALID_MODEL" });
      writeFileSync(files.path, JSON.stringify({ format: "graph-model", weightsManifest: [] }));
      await expect(convertTfjsGraphModel(files.path)).rejects.toThrow(/modelTopology/);
      writeFileSync(files.path, JSON.stringify({ format: "layers-model", modelTopology: {}, weightsManifest: [] }));
      await expect(convertTfjsGraphModel(files.path)).rejects.toThrow(/layers/);
    } finally {
      files.cleanup();
    }
  });

  it("a missing shard, a short shard and a shard path leaving the folder are INVALID_MODEL", async () => {
    const files = tiny().write();
    const shard = join(files.dir, "group1-shard1of1.bin");
    try {
      truncateSync(shard, 4);
      await expect(convertTfjsGraphModel(files.path)).rejects.toMatchObject({ code: "INVALID_MODEL", message: expect.stringContaining('"w"') });
      rmSync(shard);
      await expect(convertTfjsGraphModel(files.path)).rejects.toMatchObject({ code: "INVALID_MODEL", context: { shard: "group1-shard1of1.bin" } });
      const json = tiny().modelJson("../outside.bin");
      writeFileSync(files.path, JSON.stringify(json));
      await expect(convertTfjsGraphModel(files.path)).rejects.toThrow(/leaves the model's folder/);
    } finally {
      files.cleanup();
    }
  });

  it("a node reading a tensor that does not exist is INVALID_MODEL", async () => {
    const m = new TfjsModelBuilder().placeholder("x", "float32", [2]).node("y", "Relu", ["ghost"]).outputs("y");
    await expect(convertAndRun(m, {})).rejects.toMatchObject({ code: "INVALID_MODEL", context: { node: "y", input: "ghost" } });
  });

  it("a missing model.json is NOT_FOUND", async () => {
    await expect(convertTfjsGraphModel("/nonexistent/model.json")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("converter: entry points", () => {
  it("converts in-memory uploads, matching shards by file name", async () => {
    const model = tiny();
    const result = await convertTfjsGraphModelFromFiles({
      modelJson: JSON.stringify(model.modelJson("weights/group1-shard1of1.bin")),
      weights: new Map([["group1-shard1of1.bin", model.shard()]]),
    });
    expect(result.inputs).toEqual([{ name: "x", type: "float32", shape: [1, 2] }]);
    expect(result.outputs).toEqual([{ name: "y", type: "float32", shape: [] }]);
    await expect(convertTfjsGraphModelFromFiles({ modelJson: model.modelJson(), weights: new Map() })).rejects.toMatchObject({ code: "INVALID_MODEL" });
  });

  it("reports progress through read, weights, convert and write", async () => {
    const files = tiny().write();
    const events: ConversionProgress[] = [];
    try {
      await convertTfjsGraphModel(files.path, { onProgress: (p) => events.push(p) });
    } finally {
      files.cleanup();
    }
    expect([...new Set(events.map((e) => e.stage))]).toEqual(["read", "weights", "convert", "write"]);
    expect(events.every((e) => e.done <= e.total)).toBe(true);
    expect(events.at(-1)).toEqual({ stage: "write", done: 1, total: 1 });
  });

  it("turns unknown placeholder dims into symbolic ones that accept any size", async () => {
    const m = new TfjsModelBuilder()
      .placeholder("x", "float32", [-1, 2])
      .constant("w", [1, 2], [2])
      .node("y", "Mul", ["x", "w"])
      .outputs("y");
    const { outputs, conversion } = await convertAndRun(m, { x: f32([1, 1, 2, 2, 3, 3], [3, 2]) });
    expect(conversion.inputs[0]?.shape).toEqual(["batch", 2]);
    expect(values(outputs.y)).toEqual([1, 2, 2, 4, 3, 6]);
  });

  it("takes the outputs from sink nodes when model.json has no signature, and warns", async () => {
    const m = new TfjsModelBuilder().placeholder("x", "float32", [2]).node("a", "Relu", ["x"]).node("b", "Sigmoid", ["x"]);
    const files = m.write();
    try {
      const result = await convertTfjsGraphModel(files.path);
      expect(result.outputs.map((o) => o.name)).toEqual(["a", "b"]);
      expect(result.warnings.join("\n")).toMatch(/no signature/);
    } finally {
      files.cleanup();
    }
  });

  it("runConvertCommand writes a loadable ONNX file; a failed conversion writes nothing", async () => {
    const files = tiny().write();
    const out = join(files.dir, "out", "model.onnx");
    try {
      const result = await runConvertCommand(files.path, out, { onProgress: () => {} });
      expect(result.bytes).toBe(readFileSync(out).length);
      const info = await inspectOnnx(out);
      expect(info.inputs[0]?.name).toBe("x");
      expect(info.producer).toMatch(/^edgelens-tfjs-converter /);
      const bad = new TfjsModelBuilder().placeholder("x", "float32", [1]).node("z", "Erf", ["x"], { T: attr.type("DT_FLOAT") });
      writeFileSync(files.path, JSON.stringify(bad.modelJson()));
      const failedOut = join(files.dir, "failed.onnx");
      await expect(runConvertCommand(files.path, failedOut)).rejects.toMatchObject({ code: "UNSUPPORTED_OP" });
      expect(existsSync(failedOut)).toBe(false);
    } finally {
      files.cleanup();
    }
  });
});
