import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isEdgelensError } from "@edgelens/shared/errors";
import { parseVisionEnv } from "../src/env";
import { faceMediaPath, findMediaDir, findRepoRoot, mediaPath, MEDIA_FILES } from "../src/media/index";

const work = mkdtempSync(join(tmpdir(), "edgelens-media-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fake checkout: `<base>/repo` with pnpm-workspace.yaml, and optionally `<base>/shared/media`. */
function fakeRepo(name: string, withShared: boolean): string {
  const repo = join(work, name, "repo");
  mkdirSync(join(repo, "packages", "x"), { recursive: true });
  writeFileSync(join(repo, "pnpm-workspace.yaml"), "packages: []\n");
  if (withShared) {
    mkdirSync(join(work, name, "shared", "media"), { recursive: true });
    for (const f of MEDIA_FILES) writeFileSync(join(work, name, "shared", "media", f), "x");
  }
  return repo;
}

function hasApt(): boolean {
  try {
    execFileSync("apt-get", ["--version"], { stdio: "ignore" });
    execFileSync("dpkg-deb", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("media locator", () => {
  it("finds the repository root by walking up to pnpm-workspace.yaml", () => {
    const repo = fakeRepo("root", false);
    expect(findRepoRoot(join(repo, "packages", "x"))).toBe(repo);
    expect(existsSync(join(findRepoRoot(), "pnpm-workspace.yaml"))).toBe(true);
  });

  it("uses an explicit media dir (EDGELENS_MEDIA_DIR) first", () => {
    const repo = fakeRepo("explicit", true);
    const dir = join(work, "explicit", "shared", "media");
    expect(findMediaDir({ mediaDir: dir, repoRoot: join(work, "nowhere") })).toBe(dir);
    expect(mediaPath("vtest.avi", { mediaDir: dir })).toBe(join(dir, "vtest.avi"));
    // A wrong explicit setting is an error, not a silent fallback to ../shared/media.
    expect(() => findMediaDir({ mediaDir: join(repo, "packages"), repoRoot: repo })).toThrow(/EDGELENS_MEDIA_DIR=.* lacks dog.jpg/);
  });

  it("reads EDGELENS_MEDIA_DIR through the validated environment", () => {
    expect(parseVisionEnv({ EDGELENS_MEDIA_DIR: "/m", PATH: "/bin" })).toEqual({ EDGELENS_MEDIA_DIR: "/m" });
    expect(parseVisionEnv({ EDGELENS_MEDIA_DIR: "" })).toEqual({});
    expect(() => parseVisionEnv({ EDGELENS_MEDIA_DIRS: "/m" })).toThrow(/EDGELENS_MEDIA_DIRS|Unrecognized key/);
  });

  it("finds the face photos beside the media, else in <repo>/.cache/media, and says where it looked", () => {
    const repo = fakeRepo("faces", true);
    const shared = join(work, "faces", "shared", "media");
    expect(() => faceMediaPath("basketball1.png", { mediaDir: null, repoRoot: repo, fetch: false })).toThrow(/No basketball1\.png beside the media or in .*\.cache\/media/);
    mkdirSync(join(repo, ".cache", "media"), { recursive: true });
    writeFileSync(join(repo, ".cache", "media", "basketball1.png"), "x");
    expect(faceMediaPath("basketball1.png", { mediaDir: null, repoRoot: repo, fetch: false })).toBe(join(repo, ".cache", "media", "basketball1.png"));
    writeFileSync(join(shared, "basketball1.png"), "x");
    expect(faceMediaPath("basketball1.png", { mediaDir: null, repoRoot: repo, fetch: false })).toBe(join(shared, "basketball1.png"));
  });

  it("falls back to <repo>/../shared/media", () => {
    const repo = fakeRepo("shared", true);
    expect(findMediaDir({ mediaDir: null, repoRoot: repo })).toBe(join(work, "shared", "shared", "media"));
  });

  it("explains how to get the media when nothing has it", () => {
    const repo = fakeRepo("empty", false);
    let err: unknown;
    try {
      findMediaDir({ mediaDir: null, repoRoot: repo, fetch: false });
    } catch (e) {
      err = e;
    }
    expect(isEdgelensError(err) && err.code).toBe("MEDIA_NOT_FOUND");
    expect(String(err)).toMatch(/Set EDGELENS_MEDIA_DIR/);
    expect(() => mediaPath("cat.jpg" as "dog.jpg")).toThrow(/Unknown media file "cat.jpg"/);
  });

  it("finds the real media in this checkout", () => {
    expect(statSync(mediaPath("dog.jpg")).size).toBe(163759);
  });

  // Downloads ~99 MB from Debian's mirror (about 3 s) and extracts only the five files (about 4 s).
  it.skipIf(!hasApt())(
    "fills <repo>/.cache/media from the darknet and opencv-doc packages",
    () => {
      const repo = fakeRepo("cache", false);
      const dir = findMediaDir({ mediaDir: null, repoRoot: repo });
      expect(dir).toBe(join(repo, ".cache", "media"));
      const sizes = Object.fromEntries(MEDIA_FILES.map((f) => [f, statSync(join(dir, f)).size]));
      expect(sizes).toEqual({ "dog.jpg": 163759, "person.jpg": 113880, "messi5.jpg": 72937, "imageTextN.png": 37913, "vtest.avi": 8131690 });
      // Only the media stay: no .deb, no unpacked tree, no temp folder.
      expect(execFileSync("find", [join(repo, ".cache"), "-type", "f"], { encoding: "utf8" }).trim().split("\n").sort()).toEqual(MEDIA_FILES.map((f) => join(dir, f)).sort());
      // The second lookup uses the filled cache.
      expect(findMediaDir({ mediaDir: null, repoRoot: repo, fetch: false })).toBe(dir);
    },
    180_000,
  );
});
