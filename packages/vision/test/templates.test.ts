import type { FunctionOutput } from "@edgelens/shared";
import { FunctionOutputSchema } from "@edgelens/shared";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { visionHelpers } from "../src/index";
import { mediaPath, type MediaName } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { compileProjectFunction, createProjectInstance, loadProjectModule, type FrameOutcome, type ProjectInstance } from "../src/project/index";
import { getTemplate, listTemplates } from "../src/templates/index";

const NAMES = ["object-detection", "people-counter", "hotdog", "face-detection", "pose", "text-detection", "text-reading", "head-pose", "face-recognition"];

describe("template registry", () => {
  it("lists the sample projects with their models and configs", () => {
    const templates = listTemplates();
    expect(templates.map((t) => t.name)).toEqual(NAMES);
    for (const t of templates) {
      expect(t.title.length).toBeGreaterThan(0);
      expect(Object.keys(t.models).length).toBeGreaterThan(0);
      expect(t.defaultConfig.fps).toBeGreaterThan(0);
      expect(t.defaultConfig.source).toBeTypeOf("string");
    }
  });

  it("gives a template's function source, and names the templates for an unknown one", () => {
    const t = getTemplate("hotdog");
    expect(t.functionSource).toContain("defineProject");
    expect(t.functionPath).toMatch(/templates\/hotdog\/function\.ts$/);
    expect(() => getTemplate("nope")).toThrow(/no template "nope" \(there are: object-detection, people-counter/);
  });

  it.each(NAMES)("%s compiles, declares its registry models, and has the registry's defaults", async (name) => {
    const t = getTemplate(name);
    const { code } = await compileProjectFunction(t.functionSource, { filename: t.functionPath });
    const definition = await loadProjectModule({ code });
    expect([...(definition.models ?? [])].sort()).toEqual(Object.keys(t.models).sort());
    const { source: _source, fps: _fps, ...settings } = t.defaultConfig;
    expect(definition.config).toEqual(settings);
  });
});

describe("templates on real photos and models", () => {
  const runners: ModelRunner[] = [];
  const instances = new Map<string, ProjectInstance>();

  beforeAll(async () => {
    await ensureSampleModels();
    // text-reading and face-recognition run in their own test files: their models are not loaded twice.
    for (const name of NAMES.filter((n) => n !== "text-reading" && n !== "face-recognition")) {
      const t = getTemplate(name);
      const models: Record<string, ModelRunner> = {};
      for (const [key, sample] of Object.entries(t.models)) {
        const runner = await createOrtModelRunner(getSampleModel(sample).path, { name: key, threads: 1 });
        runners.push(runner);
        models[key] = runner;
      }
      const { code } = await compileProjectFunction(t.functionSource, { filename: t.functionPath });
      const definition = await loadProjectModule({ code });
      instances.set(name, await createProjectInstance({ projectId: name, definition, models, config: t.defaultConfig, vision: visionHelpers, log: () => undefined }));
    }
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.dispose()));
  });

  let lastOverlay: FrameOutcome["overlay"] = [];

  async function run(name: string, media: MediaName | Uint8Array, seq = 0, drawsSomething = true): Promise<FunctionOutput> {
    const image = await decodeImage(typeof media === "string" ? mediaPath(media) : media);
    const outcome = await (instances.get(name) as ProjectInstance).infer({ ...image, seq, ts: Date.now() });
    expect(outcome.output).not.toBeNull();
    if (drawsSomething) expect(outcome.overlay.length).toBeGreaterThan(0);
    lastOverlay = outcome.overlay;
    return FunctionOutputSchema.parse(outcome.output);
  }

  const centre = (box: readonly number[]) => [((box[0] ?? 0) + (box[2] ?? 0)) / 2, ((box[1] ?? 0) + (box[3] ?? 0)) / 2];

  it("object-detection finds the dog, the bicycle and the pickup in dog.jpg", async () => {
    const out = await run("object-detection", "dog.jpg");
    const find = (label: string) => out.detections?.find((d) => d.label === label);
    const [dx, dy] = centre(find("dog")?.box ?? []);
    expect(dx).toBeLessThan(350); // the dog sits bottom left of the 768x576 photo
    expect(dy).toBeGreaterThan(300);
    expect(centre(find("bicycle")?.box ?? [])[0]).toBeGreaterThan(250);
    const vehicle = find("car") ?? find("truck");
    expect(centre(vehicle?.box ?? [])[0]).toBeGreaterThan(500); // the pickup, top right
    expect(out.counts?.dog).toBe(1);
  });

  it("hotdog says not hot dog for a dog", async () => {
    const out = await run("hotdog", "dog.jpg");
    expect(out.labels?.[0]?.label).toBe("not hot dog");
    expect(out.labels?.[0]?.score).toBeGreaterThan(0.5);
  });

  it("people-counter counts the woman in person.jpg and reports the line counts", async () => {
    const out = await run("people-counter", "person.jpg");
    expect(out.counts?.person).toBe(1);
    expect(out.extra).toMatchObject({ crossed: 0, entered: 0, left: 0, inside: 0 });
  });

  it("face-detection finds a face on the woman's head in person.jpg", async () => {
    const out = await run("face-detection", "person.jpg");
    const face = out.detections?.[0];
    expect(face?.label).toBe("face");
    const [x, y] = centre(face?.box ?? []);
    expect(x).toBeGreaterThan(187); // inside the person's box (~187..276 x, head near the top)
    expect(x).toBeLessThan(276);
    expect(y).toBeLessThan(180);
  });

  it("pose puts the woman's nose and ankles where she stands in person.jpg", async () => {
    const out = await run("pose", "person.jpg");
    const keypoints = out.poses?.[0]?.keypoints ?? [];
    expect(keypoints).toHaveLength(17);
    const nose = keypoints.find((k) => k.name === "nose");
    expect(nose?.x).toBeGreaterThan(187);
    expect(nose?.x).toBeLessThan(276);
    expect(nose?.y).toBeLessThan(180);
    const ankle = keypoints.find((k) => k.name === "left_ankle");
    expect(ankle?.y).toBeGreaterThan(300);
  });

  it("text-detection finds the lines of the scanned page", async () => {
    const out = await run("text-detection", "imageTextN.png");
    expect(out.texts?.length).toBeGreaterThanOrEqual(8);
    expect(out.counts?.text).toBe(out.texts?.length);
    for (const t of out.texts ?? []) expect(t.polygon).toHaveLength(4);
    const widest = Math.max(...(out.texts ?? []).map((t) => t.box[2] - t.box[0]));
    expect(widest).toBeGreaterThan(300); // whole lines of the 556 px wide page, not single letters
  });

  it("head-pose: Messi's face turns to the picture's right and looks down; in the mirror image yaw and roll flip", async () => {
    const out = await run("head-pose", "messi5.jpg");
    expect(out.faces).toHaveLength(1);
    const face = out.faces?.[0];
    const [x, y] = centre(face?.box ?? []);
    expect(x).toBeGreaterThan(221); // BlazeFace's face-detection box [221, 96, 258, 133]
    expect(x).toBeLessThan(258);
    expect(y).toBeLessThan(133);
    expect(face?.yaw).toBeGreaterThan(10);
    expect(face?.pitch).toBeLessThan(-10);
    // The stream shows the head's three axes, from the nose tip inside the face box.
    const axes = lastOverlay.flatMap((op) => (op.kind === "line" ? [op] : []));
    expect(axes.map((op) => op.color)).toEqual(["red", "lime", "blue"]);
    for (const op of axes) {
      expect(op.from[0]).toBeGreaterThan(face?.box[0] ?? Infinity);
      expect(op.from[0]).toBeLessThan(face?.box[2] ?? -Infinity);
    }

    const mirrored = await run("head-pose", await sharp(mediaPath("messi5.jpg")).flop().png().toBuffer());
    const other = mirrored.faces?.[0];
    expect(mirrored.faces).toHaveLength(1);
    expect(other?.yaw).toBeLessThan(-10);
    expect(Math.abs((other?.yaw ?? 0) + (face?.yaw ?? 0))).toBeLessThan(5);
    expect(Math.abs((other?.pitch ?? 0) - (face?.pitch ?? 0))).toBeLessThan(5);
    expect(Math.sign(other?.roll ?? 0)).toBe(-Math.sign(face?.roll ?? 0));
    expect(out.counts?.face).toBe(1);
  });

  it("head-pose reports no face for the back of the woman's head in person.jpg (BlazeFace sees one, facemesh does not)", async () => {
    const out = await run("head-pose", "person.jpg", 0, false);
    expect(out.faces).toEqual([]);
    expect(out.counts?.face).toBe(0);
  });
});
