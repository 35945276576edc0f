/**
 * `edgelens person add|list|remove` (issue 19): the face gallery kept in SQLite, descriptors made at
 * upload by real onnxruntime sessions on the sample models, from real photos; no broker needed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeGalleryPhoto, descriptorDistance, matchGallery } from "@edgelens/vision/face-recognition";
import { decodeImage } from "@edgelens/vision/image";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import { buildGallery } from "../src/server/services/gallery-artifact";
import { runCli } from "./support/cli";
import { TEST_SECRET } from "./support/temp-context";

describe("edgelens person", () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env, 120_000);

  beforeAll(async () => {
    await ensureSampleModels();
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-person-"));
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9" };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function gallery() {
    const ctx = createContext(loadConsoleConfig(env));
    try {
      return buildGallery(ctx);
    } finally {
      await closeContext(ctx);
    }
  }

  it("adds people from photos, lists them as JSON, and the gallery recognises the player in the other frame", async () => {
    const added = await cli("person", "add", "player", faceMediaPath("basketball1.png"));
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe("person player: 1 photo(s)\n");
    expect((await cli("person", "add", "Lionel Messi", mediaPath("messi5.jpg"))).code).toBe(0);
    const list = await cli("person", "list", "--json");
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: "Lionel Messi", photos: 1, createdAt: expect.any(Number) },
      { name: "player", photos: 1, createdAt: expect.any(Number) },
    ]);
    const g = await gallery();
    expect(g.version).toBe(2);
    expect(g.people.map((p) => p.name)).toEqual(["Lionel Messi", "player"]);
    const [messi, player] = g.people.map((p) => p.descriptors[0]!);
    expect(descriptorDistance(messi!, player!)).toBeGreaterThan(0.9);
    // The other frame of the same player, described like a device does, is named from the stored gallery.
    const detector = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", threads: 1 });
    const descriptor = await createOrtModelRunner(getSampleModel("faceres").path, { name: "faceres", threads: 1 });
    try {
      const other = await describeGalleryPhoto(await decodeImage(faceMediaPath("basketball2.png")), { detector, descriptor }, "basketball2.png");
      expect(matchGallery(other.descriptor, g, 0.9)).toMatchObject({ name: "player" });
    } finally {
      await Promise.all([detector.dispose(), descriptor.dispose()]);
    }
  }, 240_000);

  it("refuses a photo with no face, naming it; a call with one bad photo stores none of its photos", async () => {
    const r = await cli("person", "add", "page", mediaPath("imageTextN.png"));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("edgelens: INVALID_PAYLOAD: gallery photo imageTextN.png: no face found, expected exactly one\n");
    const both = await cli("person", "add", "messi", mediaPath("messi5.jpg"), mediaPath("imageTextN.png"));
    expect(both.code).toBe(1);
    const list = JSON.parse((await cli("person", "list", "--json")).stdout) as { name: string }[];
    expect(list.map((p) => p.name)).toEqual(["Lionel Messi", "player"]);
  }, 240_000);

  it("removes a person (the gallery's version moves on) and says so for an unknown one", async () => {
    const before = (await gallery()).version;
    const r = await cli("person", "remove", "player");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("person player removed\n");
    const g = await gallery();
    expect(g.people.map((p) => p.name)).toEqual(["Lionel Messi"]);
    expect(g.version).toBe(before + 1);
    const again = await cli("person", "remove", "player");
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('edgelens: NOT_FOUND: no person "player"\n');
  }, 120_000);
});
