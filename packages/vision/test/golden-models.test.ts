/**
 * Golden test: each converted sample model, run by onnxruntime, against the original TF.js graph
 * model run by TF.js (WebAssembly backend, loaded from node_modules, no network) on real photos.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaPath, type MediaName } from "../src/media/index";
import { COCO_LABELS, ensureSampleModels, getSampleModel, type SampleModelName } from "../src/models/index";
import { findInstalledPackage } from "../src/models/package-locator";
import { createOrtModelRunner, type ModelRunner, type TensorLike } from "../src/onnx/index";

interface GoldenCase {
  model: SampleModelName;
  modelJson: string;
  size: number;
  photo: MediaName;
  input: "float32-0-255" | "float32-minus1-1" | "int32-0-255" | "float32-0-1" | "grey-minus1-1";
  /** Only this part of the photo (a face crop), in photo pixels. */
  region?: { left: number; top: number; width: number; height: number };
}

// Messi's face in messi5.jpg, as head-pose crops it (BlazeFace box [221,96,258,133] x 1.5, squared).
const FACEMESH_CASE: GoldenCase = {
  model: "facemesh",
  modelJson: "models/facemesh.json",
  size: 192,
  photo: "messi5.jpg",
  input: "float32-0-1",
  region: { left: 211, top: 86, width: 57, height: 57 },
};

// The same face, a wider square (face-recognition crops about twice the eye-to-mouth span).
const MESSI_FACE = { left: 199, top: 74, width: 81, height: 81 };
const FACERES_CASE: GoldenCase = { model: "faceres", modelJson: "models/faceres.json", size: 224, photo: "messi5.jpg", input: "float32-0-255", region: MESSI_FACE };
const EMOTION_CASE: GoldenCase = { model: "emotion", modelJson: "models/emotion.json", size: 64, photo: "messi5.jpg", input: "grey-minus1-1", region: MESSI_FACE };

const CASES: GoldenCase[] = [
  { model: "centernet", modelJson: "models/centernet.json", size: 512, photo: "dog.jpg", input: "float32-0-255" },
  { model: "centernet", modelJson: "models/centernet.json", size: 512, photo: "person.jpg", input: "float32-0-255" },
  { model: "blazeface", modelJson: "models/blazeface.json", size: 256, photo: "person.jpg", input: "float32-minus1-1" },
  { model: "movenet", modelJson: "models/movenet-lightning.json", size: 192, photo: "person.jpg", input: "int32-0-255" },
  FACEMESH_CASE,
  FACERES_CASE,
  EMOTION_CASE,
];

/**
 * Allowed max |ORT - TF.js| relative to the output's largest magnitude. Measured worst case is
 * ~1e-5 (CenterNet `tower_0/wh`: 2.5e-3 on values up to 266; BlazeFace logits 1.9e-3 up to 628):
 * float summation order differs between the two runtimes' kernels.
 */
const RELATIVE_BOUND = 5e-5;

const human = findInstalledPackage("@vladmandic/human").dir;
const tfModels = new Map<string, tf.GraphModel>();
const runners = new Map<string, ModelRunner>();

async function loadTfjs(modelJson: string): Promise<tf.GraphModel> {
  const path = join(human, modelJson);
  const json = JSON.parse(await readFile(path, "utf8")) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(path, "..", p)))));
  const data = Buffer.concat(shards);
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** The photo stretched to size x size RGB, as each model expects it (MODELS.md). */
async function inputOf(c: GoldenCase): Promise<TensorLike> {
  const photo = sharp(mediaPath(c.photo)).removeAlpha();
  const rgb = await (c.region ? photo.extract(c.region) : photo).resize(c.size, c.size, { fit: "fill" }).raw().toBuffer();
  const dims = [1, c.size, c.size, 3];
  if (c.input === "grey-minus1-1") {
    // human's emotion input: ITU-R 601 luma of RGB in [0, 1], then to [-1, 1].
    const grey = Float32Array.from({ length: c.size * c.size }, (_, i) => ((0.2989 * (rgb[3 * i] ?? 0) + 0.587 * (rgb[3 * i + 1] ?? 0) + 0.114 * (rgb[3 * i + 2] ?? 0)) / 255 - 0.5) * 2);
    return { type: "float32", data: grey, dims: [1, c.size, c.size, 1] };
  }
  if (c.input === "int32-0-255") return { type: "int32", data: Int32Array.from(rgb), dims };
  if (c.input === "float32-0-1") return { type: "float32", data: Float32Array.from(rgb, (v) => v / 255), dims };
  if (c.input === "float32-minus1-1") return { type: "float32", data: Float32Array.from(rgb, (v) => v / 127.5 - 1), dims };
  return { type: "float32", data: Float32Array.from(rgb), dims };
}

beforeAll(async () => {
  await ensureSampleModels();
  setWasmPaths(`${join(findInstalledPackage("@tensorflow/tfjs-backend-wasm").dir, "dist")}/`);
  expect(await tf.setBackend("wasm")).toBe(true);
  for (const c of CASES) {
    if (runners.has(c.model)) continue;
    tfModels.set(c.model, await loadTfjs(c.modelJson));
    runners.set(c.model, await createOrtModelRunner(getSampleModel(c.model).path, { name: c.model, threads: 1 }));
  }
});

afterAll(async () => {
  for (const r of runners.values()) await r.dispose();
  for (const m of tfModels.values()) m.dispose();
});

async function compare(c: GoldenCase): Promise<Record<string, Float32Array>> {
  const runner = runners.get(c.model);
  const model = tfModels.get(c.model);
  if (!runner || !model) throw new Error(`${c.model} not loaded`);
  const input = await inputOf(c);
  const names = runner.outputs.map((o) => o.name);
  const x = tf.tensor(input.data as Float32Array | Int32Array, input.dims, input.type as "float32" | "int32");
  const expected = tf.tidy(() => {
    const out = model.execute({ [runner.inputs[0]?.name ?? ""]: x }, names);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
  x.dispose();
  const got = await runner.run({ [runner.inputs[0]?.name ?? ""]: input });
  const result: Record<string, Float32Array> = {};
  names.forEach((name, i) => {
    const want = expected[i] ?? new Float32Array();
    const have = got[name]?.data as Float32Array;
    expect(have.length, name).toBe(want.length);
    let maxDiff = 0;
    let magnitude = 1;
    for (let k = 0; k < want.length; k++) {
      maxDiff = Math.max(maxDiff, Math.abs((want[k] ?? 0) - (have[k] ?? 0)));
      magnitude = Math.max(magnitude, Math.abs(want[k] ?? 0));
    }
    expect(maxDiff, `${c.model} ${name} on ${c.photo}: max abs diff ${maxDiff} (magnitude ${magnitude})`).toBeLessThanOrEqual(RELATIVE_BOUND * magnitude);
    result[name] = have;
  });
  return result;
}

/** CenterNet rows are [x1, y1, x2, y2, score, class]; labels of the rows scoring at least `min`. */
function detectedLabels(detections: Float32Array | undefined, min: number): string[] {
  const labels: string[] = [];
  for (let r = 0; detections && r * 6 < detections.length; r++) {
    if ((detections[r * 6 + 4] ?? 0) >= min) labels.push(COCO_LABELS[detections[r * 6 + 5] ?? -1] ?? "?");
  }
  return labels;
}

describe("golden: converted sample models match TF.js (wasm) on real photos", () => {
  it("centernet on dog.jpg: same outputs, finds the dog, the bicycle and the car", async () => {
    const out = await compare(CASES[0] as GoldenCase);
    expect(detectedLabels(out["tower_0/detections"], 0.35)).toEqual(expect.arrayContaining(["dog", "bicycle", "car"]));
  });

  it("centernet on person.jpg: same outputs, finds the person", async () => {
    const out = await compare(CASES[1] as GoldenCase);
    expect(detectedLabels(out["tower_0/detections"], 0.5)).toContain("person");
  });

  it("blazeface on person.jpg: same outputs, one anchor scores a face", async () => {
    const out = await compare(CASES[2] as GoldenCase);
    const logits = [...(out.Identity ?? []), ...(out.Identity_1 ?? [])];
    const best = 1 / (1 + Math.exp(-Math.max(...logits)));
    expect(best).toBeGreaterThan(0.5);
  });

  it("movenet on person.jpg: same outputs, keypoints inside the image with confident scores", async () => {
    const out = await compare(CASES[3] as GoldenCase);
    const kp = out.Identity ?? new Float32Array();
    const scores = Array.from({ length: 17 }, (_, k) => kp[k * 3 + 2] ?? 0);
    expect(scores.filter((s) => s > 0.3).length).toBeGreaterThanOrEqual(8);
    for (let k = 0; k < 17; k++) {
      expect(kp[k * 3]).toBeGreaterThanOrEqual(0);
      expect(kp[k * 3 + 1]).toBeLessThanOrEqual(1);
    }
  });

  it("facemesh on Messi's face (messi5.jpg): same outputs, a confident face flag, 468 points inside the crop", async () => {
    const out = await compare(FACEMESH_CASE);
    expect(out.Identity_1?.[0]).toBeGreaterThan(0.9);
    const mesh = out.Identity_2 ?? new Float32Array();
    expect(mesh.length).toBe(468 * 3);
    for (let i = 0; i < 468; i++) {
      expect(mesh[3 * i]).toBeGreaterThan(0);
      expect(mesh[3 * i + 1]).toBeLessThan(192);
    }
  });

  it("faceres on Messi's face: same descriptor, age and gender as TF.js; a male adult", async () => {
    const out = await compare(FACERES_CASE);
    expect(out["global_pooling/Mean"]?.length).toBe(1024);
    expect(out["gender_pred/Sigmoid"]?.[0]).toBeGreaterThan(0.5);
    const age = out["age_pred/Softmax"] ?? new Float32Array();
    const argmax = age.indexOf(Math.max(...age));
    expect(argmax).toBeGreaterThanOrEqual(18);
    expect(argmax).toBeLessThan(50);
  });

  it("emotion on Messi's face: same 7 probabilities as TF.js, summing to 1", async () => {
    const out = await compare(EMOTION_CASE);
    const p = out.Identity ?? new Float32Array();
    expect(p.length).toBe(7);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
  });
});
