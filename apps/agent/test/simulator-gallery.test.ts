/**
 * `edgelens-agent infer --gallery <dir>`: the simulator describes a folder of people's photos into a
 * face gallery and face-recognition names them, on real photos with the real models.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRgbImage, decodeImage, encodeJpeg, type RgbImage } from "@edgelens/vision/image";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels } from "@edgelens/vision/models";
import { runAgentCli } from "./support/agent-cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;

const agent = runAgentCli;

/** `size` x `size` pixels of `image` from (x, y): each half of a made-up photo of two people. */
function cut(image: RgbImage, x: number, y: number, size: number, into: RgbImage, at: number): void {
  for (let row = 0; row < size; row++) {
    const from = ((y + row) * image.width + x) * 3;
    into.data.set(image.data.subarray(from, from + size * 3), (row * into.width + at) * 3);
  }
}

/** A gallery folder: person name -> photo paths (linked, not copied). */
function gallery(name: string, people: Record<string, string[]>): string {
  const root = join(dir, name);
  for (const [person, files] of Object.entries(people)) {
    mkdirSync(join(root, person), { recursive: true });
    files.forEach((file, i) => symlinkSync(file, join(root, person, `${i}${file.slice(file.lastIndexOf("."))}`)));
  }
  return root;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-gallery-"));
  await ensureSampleModels();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("simulator --gallery", () => {
  it("names the player from the other basketball frame and counts person.jpg's head as unknown", async () => {
    const root = gallery("known", { player: [faceMediaPath("basketball1.png")], messi: [mediaPath("messi5.jpg")] });
    const inputs = join(dir, "inputs");
    mkdirSync(inputs);
    symlinkSync(faceMediaPath("basketball2.png"), join(inputs, "0.png"));
    symlinkSync(mediaPath("person.jpg"), join(inputs, "1.jpg"));
    const run = await agent(["infer", "--template", "face-recognition", "--gallery", root, "--input", inputs]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("gallery");
    expect(run.stderr).toContain("messi (1), player (1)");
    const [basketball, person] = run.results;
    expect(basketball?.faces?.[0]).toMatchObject({ name: "player", gender: "male" });
    expect(basketball?.faces?.[0]?.distance).toBeLessThan(0.9);
    expect(basketball?.counts).toEqual({ face: 1, unknown: 0 });
    expect(person?.faces?.[0]?.name).toBeNull();
    expect(person?.counts).toMatchObject({ unknown: 1 });
  }, 240_000);

  it("refuses a gallery photo with two faces, or none, naming the photo and the count", async () => {
    const messi = await decodeImage(mediaPath("messi5.jpg"));
    const player = await decodeImage(faceMediaPath("basketball1.png"));
    const two = createRgbImage(320, 160);
    cut(messi, 160, 35, 160, two, 0);
    cut(player, 6, 35, 160, two, 160);
    const twoFaces = join(dir, "two-faces.jpg");
    writeFileSync(twoFaces, await encodeJpeg(two));
    const crowd = await agent(["infer", "--template", "face-recognition", "--gallery", gallery("crowd", { team: [twoFaces] }), "--input", mediaPath("messi5.jpg")]);
    expect(crowd.code).toBe(1);
    expect(crowd.stderr).toContain("error [INVALID_PAYLOAD]: gallery photo team/0.jpg: 2 faces found, expected exactly one");
    const empty = await agent(["infer", "--template", "face-recognition", "--gallery", gallery("empty", { page: [mediaPath("imageTextN.png")] }), "--input", mediaPath("messi5.jpg")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("gallery photo page/0.png: no face found, expected exactly one");
    expect(empty.results).toEqual([]);
  }, 240_000);
});
