import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGallery } from "../src/deploy/read-gallery";

describe("readGallery: the deployment's face gallery from the artifact cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-gallery-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const unit = Array.from({ length: 1024 }, (_, i) => (i === 0 ? 1 : 0));

  it("reads a valid gallery", async () => {
    const gallery = { version: 3, people: [{ name: "ann", descriptors: [unit] }] };
    expect(await readGallery(file("ok.json", JSON.stringify(gallery)), "door")).toEqual(gallery);
  });

  it("refuses a file that is not JSON, or not a gallery, with INVALID_CONFIG naming the project and field", async () => {
    const want = { code: "INVALID_CONFIG", context: { projectId: "door", field: "gallery" } };
    await expect(readGallery(file("broken.json", "{nope"), "door")).rejects.toMatchObject(want);
    await expect(readGallery(file("short.json", JSON.stringify({ version: 1, people: [{ name: "ann", descriptors: [[1, 0]] }] })), "door")).rejects.toMatchObject(want);
    const twice = { version: 1, people: [{ name: "ann", descriptors: [unit] }, { name: "ann", descriptors: [unit] }] };
    await expect(readGallery(file("twice.json", JSON.stringify(twice)), "door")).rejects.toThrow(/unique/);
  });
});
