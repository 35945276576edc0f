/**
 * The int8 optimizer on the real CenterNet: calibrated on five photos it is then judged on two it
 * never saw, against the float model, and onnxruntime must fuse the QDQ pairs into integer
 * kernels (without the fusion there is no speed gain).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage, type RgbImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner } from "../src/onnx/index";
import { decodeOnnxModel } from "../src/onnx/onnx-proto";
import { compareAccuracy, imageInputProfile, optimizeModelInt8, QUANTIZATION_METADATA_KEY, type AccuracyReport, type OptimizeInt8Result } from "../src/quantize/index";

describe("int8 CenterNet", () => {
  let dir: string;
  let result: OptimizeInt8Result;
  let heldOut: AccuracyReport;

  beforeAll(async () => {
    await ensureSampleModels();
    dir = mkdtempSync(join(tmpdir(), "edgelens-quantize-centernet-"));
    // Four street frames 200 apart and one football photo; fewer lose CenterNet's 0.3 boxes.
    execFileSync("ffmpeg", ["-loglevel", "error", "-i", mediaPath("vtest.avi"), "-vf", "select='not(mod(n\\,200))'", "-vsync", "vfr", "-frames:v", "4", join(dir, "f%02d.jpg")]);
    const frames = ["f01.jpg", "f02.jpg", "f03.jpg", "f04.jpg"].map((f) => join(dir, f));
    const calibration: RgbImage[] = [...(await Promise.all(frames.map((f) => decodeImage(f)))), await decodeImage(mediaPath("messi5.jpg"))];
    const bytes = new Uint8Array(readFileSync(getSampleModel("centernet").path));
    const stages = new Set<string>();
    result = await optimizeModelInt8(bytes, { name: "centernet", calibration, onProgress: (p) => stages.add(p.stage) });
    expect([...stages]).toEqual(["prepare", "calibrate", "rewrite", "validate", "accuracy"]);
    const float = await createOrtModelRunner(bytes, { name: "centernet", threads: 1 });
    const int8 = await createOrtModelRunner(result.onnx, { name: "centernet int8", threads: 1 });
    try {
      const photos = await Promise.all((["dog.jpg", "person.jpg"] as const).map((p) => decodeImage(mediaPath(p))));
      heldOut = await compareAccuracy(float, int8, imageInputProfile(float.inputs, "centernet"), photos);
    } finally {
      await float.dispose();
      await int8.dispose();
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stores int8 per-channel weights and QDQ pairs, and onnxruntime fuses them into QLinearConv", async () => {
    const model = decodeOnnxModel(result.onnx);
    expect(model.graph.initializer.filter((t) => t.dataType === 3).length).toBeGreaterThanOrEqual(result.quantizedConvs);
    expect(model.graph.node.filter((n) => n.opType === "QuantizeLinear").length).toBeGreaterThan(50);
    const optimized = join(dir, "ort.onnx");
    const session = await ort.InferenceSession.create(result.onnx, { graphOptimizationLevel: "all", intraOpNumThreads: 1, optimizedModelFilePath: optimized });
    await session.release();
    const fused = decodeOnnxModel(readFileSync(optimized)).graph.node.filter((n) => n.opType === "QLinearConv").length;
    expect(fused).toBeGreaterThanOrEqual(result.quantizedConvs);
  });

  it("records provenance and accuracy in the file's metadata", () => {
    const meta = decodeOnnxModel(result.onnx).metadataProps?.find((p) => p.key === QUANTIZATION_METADATA_KEY);
    const parsed = JSON.parse(meta?.value ?? "{}") as { calibrationImages: number; accuracy: AccuracyReport };
    expect(parsed.calibrationImages).toBe(5);
    expect(parsed.accuracy).toEqual(result.accuracy);
    expect(result.accuracy).toMatchObject({ kind: "centernet", images: 5, minScore: 0.3, iou: 0.7 });
  });

  it("finds on photos it never calibrated on the float model's labels and >= 90% of its boxes", () => {
    // dog.jpg and person.jpg: 8 float boxes of score >= 0.3, three of them at 0.30-0.32.
    expect(heldOut.referenceBoxes).toBe(8);
    expect(heldOut.labelDifferences).toEqual([]);
    expect(heldOut.boxMatchRate).toBeGreaterThanOrEqual(0.9);
  });
});
