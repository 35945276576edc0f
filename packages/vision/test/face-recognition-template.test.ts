/**
 * The face-recognition template on real photos and models, with a gallery made by the same
 * chain (describeGalleryPhoto) the simulator and the console use.
 */
import { FunctionOutputSchema, type FaceGallery, type FunctionOutput } from "@edgelens/shared";
import { testRule } from "@edgelens/shared/rules";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeGalleryPhoto } from "../src/face-recognition/index";
import { decodeImage } from "../src/image/index";
import { visionHelpers } from "../src/index";
import { faceMediaPath, mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { compileProjectFunction, createProjectInstance, loadProjectModule, type FrameOutcome, type ProjectDefinition } from "../src/project/index";
import { getTemplate } from "../src/templates/index";

const template = getTemplate("face-recognition");
const models: Record<string, ModelRunner> = {};
let definition: ProjectDefinition;
let gallery: FaceGallery;

beforeAll(async () => {
  await ensureSampleModels();
  for (const [key, sample] of Object.entries(template.models)) models[key] = await createOrtModelRunner(getSampleModel(sample).path, { name: key, threads: 1 });
  definition = await loadProjectModule(await compileProjectFunction(template.functionSource, { filename: template.functionPath }));
  const chain = { detector: models.faces!, descriptor: models.faceres! };
  const player = await describeGalleryPhoto(await decodeImage(faceMediaPath("basketball1.png")), chain, "basketball1.png");
  gallery = { version: 1, people: [{ name: "player", descriptors: [Array.from(player.descriptor)] }] };
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(models).map((m) => m.dispose()));
});

async function run(input: string | Uint8Array, config: Record<string, unknown> = {}, withGallery = true): Promise<{ output: FunctionOutput; overlay: FrameOutcome["overlay"] }> {
  const instance = await createProjectInstance({
    projectId: "faces",
    definition,
    models,
    config: { ...template.defaultConfig, ...config },
    ...(withGallery ? { gallery } : {}),
    vision: visionHelpers,
    log: () => undefined,
  });
  const outcome = await instance.infer({ ...(await decodeImage(input)), seq: 0, ts: Date.now() });
  return { output: FunctionOutputSchema.parse(outcome.output), overlay: outcome.overlay };
}

describe("face-recognition template", () => {
  it("takes a new gallery from the next frame on without reloading, and refuses one that does not parse (keeping the old)", async () => {
    const instance = await createProjectInstance({ projectId: "faces", definition, models, config: template.defaultConfig, gallery: { version: 1, people: [] }, vision: visionHelpers, log: () => undefined });
    const frame = await decodeImage(faceMediaPath("basketball2.png"));
    const names = async (seq: number) => FunctionOutputSchema.parse((await instance.infer({ ...frame, seq, ts: seq })).output).faces?.map((f) => f.name);
    expect(await names(0)).toEqual([null]);
    expect(() => instance.setGallery({ version: 2, people: [{ name: "x", descriptors: [[1, 2]] }] })).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(await names(1)).toEqual([null]);
    instance.setGallery(gallery);
    expect(await names(2)).toEqual(["player"]);
  }, 60_000);

  it("names the gallery's player in the other basketball frame, with age, gender and distance, and draws his name", async () => {
    const { output, overlay } = await run(faceMediaPath("basketball2.png"));
    const player = output.faces?.find((f) => f.name === "player");
    expect(player).toMatchObject({ gender: "male", distance: expect.any(Number), age: expect.any(Number) });
    expect(player?.distance).toBeLessThan(0.9);
    expect(player?.box[0]).toBeGreaterThan(60);
    expect(player?.box[2]).toBeLessThan(110);
    expect(output.extra).toMatchObject({ people: { player: 1 } });
    expect(overlay.some((op) => JSON.stringify(op).includes("player"))).toBe(true);
  }, 60_000);

  it("counts Messi as an unknown face: name null, the distance to the player above the threshold", async () => {
    const { output } = await run(mediaPath("messi5.jpg"));
    expect(output.faces).toHaveLength(1);
    expect(output.faces?.[0]).toMatchObject({ name: null, gender: "male" });
    expect(output.faces?.[0]?.distance).toBeGreaterThan(0.9);
    expect(output.counts).toEqual({ face: 1, unknown: 1 });
  }, 60_000);

  it("without a gallery every face is unknown at distance 2; attributes ['emotion'] adds the expression", async () => {
    const { output } = await run(mediaPath("messi5.jpg"), { attributes: ["emotion"] }, false);
    expect(output.faces?.[0]).toMatchObject({ name: null, distance: 2 });
    const emotions = (output.extra as { emotions: { emotion: string; score: number }[] }).emotions;
    expect(emotions).toHaveLength(1);
    expect(visionHelpers.labels.emotion).toContain(emotions[0]?.emotion);
  }, 60_000);

  it("its results trigger the README's rules: a stranger appears (counts.unknown), the player appears (extra.people.player)", async () => {
    const topic = "edgelens/devices/cam-1/infer";
    const matched = (sql: string, payload: FunctionOutput): boolean => {
      const r = testRule(sql, { topic, payload });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.matched;
    };
    const stranger = "SELECT * FROM 'edgelens/devices/+/infer' WHERE counts.unknown > 0";
    const player = "SELECT * FROM 'edgelens/devices/+/infer' WHERE extra.people.player > 0";
    const messi = (await run(mediaPath("messi5.jpg"))).output;
    const known = (await run(faceMediaPath("basketball2.png"))).output;
    expect([matched(stranger, messi), matched(player, messi)]).toEqual([true, false]);
    expect([matched(stranger, known), matched(player, known)]).toEqual([false, true]);
  }, 60_000);

  it("the mirror image of the gallery photo still matches (the crop is aligned, not the descriptor)", async () => {
    const { output } = await run(await sharp(faceMediaPath("basketball1.png")).flop().png().toBuffer());
    expect(output.faces?.find((f) => f.box[0] > 500)?.name).toBe("player");
  }, 60_000);

  it("a bad matchThreshold, attribute or gallery fails the load with INVALID_CONFIG naming the field", async () => {
    await expect(run(mediaPath("messi5.jpg"), { matchThreshold: 0 })).rejects.toMatchObject({ code: "INVALID_CONFIG", context: { field: "matchThreshold" } });
    await expect(run(mediaPath("messi5.jpg"), { attributes: ["emotions"] })).rejects.toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining('["emotions"] not known'), context: { field: "attributes" } });
    gallery = { version: 1, people: [{ name: "player", descriptors: [[1, 2, 3]] }] };
    await expect(run(mediaPath("messi5.jpg"))).rejects.toMatchObject({ code: "INVALID_CONFIG", context: { field: "gallery" } });
  });
});
