import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InferenceResult } from "@edgelens/shared";
import { decodeImage, encodeJpeg } from "@edgelens/vision/image";
import { mediaPath, type MediaName } from "@edgelens/vision/media";
import { resizeImage } from "@edgelens/vision/preprocess";
import { ensureSampleModels } from "@edgelens/vision/models";
import { runAgentCli } from "./support/agent-cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;

const agent = runAgentCli;

/** A folder of links to the given photos, in this order. */
function photos(name: string, files: MediaName[]): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  files.forEach((file, i) => symlinkSync(mediaPath(file), join(folder, `${i}-${file}`)));
  return folder;
}

const centre = (box: readonly number[]) => [((box[0] ?? 0) + (box[2] ?? 0)) / 2, ((box[1] ?? 0) + (box[3] ?? 0)) / 2];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-simulator-"));
  await ensureSampleModels();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("edgelens-agent infer (the simulator)", () => {
  it("object-detection finds the dog, bicycle and pickup in dog.jpg and the person and dog in person.jpg", async () => {
    const out = join(dir, "annotated");
    const run = await agent(["infer", "--template", "object-detection", "--input", photos("od", ["dog.jpg", "person.jpg"]), "--out", out, "--threads", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results).toHaveLength(2);
    const [dog, person] = run.results;
    expect(dog).toMatchObject({ deviceId: "simulator", projectId: "object-detection", seq: 0, frame: { width: 768, height: 576 } });
    const find = (r: InferenceResult | undefined, label: string) => r?.detections?.find((d) => d.label === label);
    expect(centre(find(dog, "dog")?.box ?? [])[0]).toBeLessThan(350);
    expect(centre(find(dog, "dog")?.box ?? [])[1]).toBeGreaterThan(300);
    expect(find(dog, "bicycle")).toBeDefined();
    expect(centre((find(dog, "car") ?? find(dog, "truck"))?.box ?? [])[0]).toBeGreaterThan(500);
    expect(person).toMatchObject({ seq: 1, frame: { width: 640, height: 424 } });
    expect(find(person, "person")?.score).toBeGreaterThan(0.5);
    expect(find(person, "dog")).toBeDefined();
    expect(person?.latencyMs.inference).toBeGreaterThan(0);
    const written = readdirSync(out).sort();
    expect(written).toEqual(["frame-000000.jpg", "frame-000001.jpg"]);
    expect([...readFileSync(join(out, written[0] ?? "")).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it("people-counter sees people in most of the first 60 frames of vtest.avi, and counts them per zone with dwell times", async () => {
    const zones = [{ name: "left", points: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }];
    const run = await agent(["infer", "--template", "people-counter", "--input", mediaPath("vtest.avi"), "--max-frames", "60", "--config", JSON.stringify({ zones })]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results.map((r) => r.seq)).toEqual([...Array(60).keys()]);
    const withPeople = run.results.filter((r) => (r.counts?.person ?? 0) >= 1).length;
    expect(withPeople).toBeGreaterThanOrEqual(48);
    expect(run.results.some((r) => r.detections?.some((d) => d.trackId !== undefined))).toBe(true);
    expect(run.results.at(-1)?.extra).toMatchObject({ crossed: expect.any(Number), inside: expect.any(Number) });
    // Zones: every result counts the people whose feet are in the left half, and tracked ones there have a dwell time.
    for (const r of run.results) {
      const feetLeft = (r.detections ?? []).filter((d) => (d.box[0] + d.box[2]) / 2 <= r.frame.width / 2).length;
      expect(r.zones?.left?.person ?? 0).toBe(feetLeft);
    }
    const dwells = run.results.flatMap((r) => (r.detections ?? []).map((d) => d.dwell?.left ?? 0));
    expect(Math.max(...dwells)).toBeGreaterThan(1); // someone stayed over a second (of video time) in the left half
  });

  // Where the face, the keypoints and the text lines land on each photo is the templates test's
  // (packages/vision/test/templates.test.ts, same functions and models in-process); here only what
  // the CLI adds: a photo the templates test does not use, and --out naming a file, not a folder.
  it("face-detection finds the faces in messi5.jpg and writes the annotated photo to --out as a file", async () => {
    const out = join(dir, "faces.jpg");
    const run = await agent(["infer", "--template", "face-detection", "--input", mediaPath("messi5.jpg"), "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]?.counts?.face).toBeGreaterThanOrEqual(1);
    expect(run.results[0]?.detections?.[0]?.label).toBe("face");
    expect([...readFileSync(out).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it("text-reading reads a photo of two printed lines, keeps what --config's pattern matches, and draws it to --out", async () => {
    // The last two lines of imageTextN.png, as a JPEG photo (the reading itself: text-reading.test.ts).
    const page = await decodeImage(mediaPath("imageTextN.png"));
    const photo = join(dir, "two-lines.jpg");
    writeFileSync(photo, await encodeJpeg(resizeImage(page, page.width, 39, { roi: { x: 0, y: 218, width: page.width, height: 39 } }).image, { quality: 95 }));
    const out = join(dir, "read.jpg");
    const run = await agent(["infer", "--template", "text-reading", "--input", photo, "--out", out, "--config", JSON.stringify({ pattern: "^In " })]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]?.texts?.map((t) => t.text)).toEqual(["In formulating and solving computer vision problems, I have often found it useful to draw"]);
    expect(run.results[0]?.texts?.[0]?.polygon).toHaveLength(4);
    expect([...readFileSync(out).subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it("head-pose gives Messi's yaw, pitch and roll in messi5.jpg, and the opposite yaw in its mirror image", async () => {
    const folder = photos("head-pose", ["messi5.jpg"]);
    const photo = await decodeImage(mediaPath("messi5.jpg"));
    const mirrored = new Uint8Array(photo.data.length);
    const row = photo.width * 3;
    for (let y = 0; y < photo.height; y++) {
      for (let x = 0; x < photo.width; x++) mirrored.set(photo.data.subarray(y * row + x * 3, y * row + x * 3 + 3), y * row + (photo.width - 1 - x) * 3);
    }
    writeFileSync(join(folder, "1-mirrored.jpg"), await encodeJpeg({ ...photo, data: mirrored }, { quality: 95 }));
    const out = join(dir, "head-pose-out");
    const run = await agent(["infer", "--template", "head-pose", "--input", folder, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const [face, other] = run.results.map((r) => r.faces?.[0]);
    expect(run.results.map((r) => r.faces?.length)).toEqual([1, 1]);
    expect(face?.yaw).toBeGreaterThan(10); // turned to the picture's right
    expect(other?.yaw).toBeLessThan(-10);
    expect(Math.abs((face?.yaw ?? 0) + (other?.yaw ?? 0))).toBeLessThan(5);
    expect(centre(other?.box ?? [])[0]).toBeCloseTo(photo.width - centre(face?.box ?? [])[0]!, -1);
    expect(readdirSync(out)).toHaveLength(2);
  });

  it("runs the user's own function with a sample model and a config, and exits 1 when it fails on a frame", async () => {
    const file = join(dir, "my-counter.ts");
    writeFileSync(
      file,
      [
        'import { defineProject } from "@edgelens/vision/project";',
        "export default defineProject({",
        '  models: ["detector"],',
        "  config: { label: \"dog\" },",
        "  async infer(frame, ctx) {",
        '    if (frame.seq === 1) throw new Error("only one photo please");',
        "    const { tensor, transform } = ctx.vision.resize(frame, 512, 512);",
        '    const out = await ctx.models.detector.run({ "tower_0/images": tensor });',
        '    const found = ctx.vision.decodeCenterNet(out["tower_0/detections"]!, { labels: ctx.vision.labels.coco, transform }).filter((d) => d.label === ctx.config.label);',
        "    return { counts: { [ctx.config.label]: found.length } };",
        "  },",
        "});",
      ].join("\n"),
    );
    const run = await agent(["infer", "--function", file, "--model", "detector=centernet", "--config", '{"label":"bicycle"}', "--input", photos("mine", ["dog.jpg", "person.jpg"])]);
    expect(run.code).toBe(1);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ projectId: "my-counter", counts: { bicycle: 1 } });
    expect(run.stderr).toMatch(/frame 1 failed \[FUNCTION_FAILED\].*only one photo please/);
  });

  it("runs the function in the device's sandbox: a command, a file read and a write are refused", async () => {
    const file = join(dir, "nosy.ts");
    writeFileSync(
      file,
      [
        'const fs = process.getBuiltinModule("node:fs");',
        "export default {",
        "  infer(frame) {",
        '    if (frame.seq === 0) return { counts: {}, extra: { id: process.getBuiltinModule("node:child_process").execSync("id").toString() } };',
        '    if (frame.seq === 1) return { counts: {}, extra: { passwd: fs.readFileSync("/etc/passwd", "utf8") } };',
        `    fs.writeFileSync(${JSON.stringify(join(dir, "nosy-was-here"))}, "x");`,
        "  },",
        "};",
      ].join("\n"),
    );
    const run = await agent(["infer", "--function", file, "--input", photos("nosy", ["dog.jpg", "person.jpg", "messi5.jpg"])]);
    expect(run.code).toBe(1);
    expect(run.results).toEqual([]);
    expect(run.stderr).toMatch(/frame 0 failed \[FUNCTION_FAILED\]: the function sandbox refused ChildProcess/);
    expect(run.stderr).toMatch(/frame 1 failed \[FUNCTION_FAILED\]: the function sandbox refused FileSystemRead on \/etc\/passwd/);
    expect(run.stderr).toMatch(/frame 2 failed \[FUNCTION_FAILED\]: the function sandbox refused FileSystemWrite/);
  });

  it("shows a compile error at its line", async () => {
    const file = join(dir, "broken.ts");
    writeFileSync(file, "export default {\n  infer() {\n    return { counts: { a: } };\n  },\n};\n");
    const run = await agent(["infer", "--function", file, "--input", mediaPath("dog.jpg")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/error \[COMPILE_FAILED\]: .*broken\.ts:3:\d+: Unexpected "}"/);
  });

  it.each([
    [["--template", "nope", "--input", "x.jpg"], /error \[NOT_FOUND\]: no template "nope" \(there are: object-detection/],
    [["--template", "pose", "--input", "/nonexistent/clip.mp4"], /error \[SOURCE_FAILED\]: no such file or directory: \/nonexistent\/clip\.mp4/],
    [["--template", "pose", "--function", "f.ts", "--input", "x.jpg"], /give exactly one of --template/],
    [["--template", "pose", "--input", "x.jpg", "--max-frames", "0"], /expected a positive integer/],
    [["--template", "people-counter", "--input", mediaPath("dog.jpg"), "--config", '{"zones":[{"name":"bow","points":[[0,0],[1,1],[1,0],[0,1]]}]}'], /error \[INVALID_CONFIG\]: config\.zones: zone "bow": edges 1 and 3 cross/],
  ])("exits non-zero with a clear message for %j", async (args, message) => {
    const run = await agent(["infer", ...args]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });

  it("exits non-zero when ffmpeg cannot read the video", async () => {
    const junk = join(dir, "junk.avi");
    writeFileSync(junk, "not a video at all");
    const run = await agent(["infer", "--template", "pose", "--input", junk]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/error \[SOURCE_FAILED\]: file .*junk\.avi: ffmpeg exited with 1/);
  });
});
