import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgelensError } from "@edgelens/shared/errors";
import { visionEnv } from "../env";

/**
 * Finds the real photos and video the tests and benchmarks run on. They are never copied into the
 * repository: they come from EDGELENS_MEDIA_DIR, from `../shared/media` beside the checkout, or
 * from a git-ignored cache filled from two Debian packages (darknet's sample data and OpenCV's
 * example data), in that order.
 */

export const MEDIA_FILES = ["dog.jpg", "person.jpg", "messi5.jpg", "imageTextN.png", "vtest.avi"] as const;
export type MediaName = (typeof MEDIA_FILES)[number];

/** Where each file sits inside its .deb (checked with `dpkg -c` on bookworm's packages). */
const DEBIAN_SOURCES: readonly { pkg: string; dir: string; files: readonly MediaName[] }[] = [
  { pkg: "darknet", dir: "usr/share/darknet/data", files: ["dog.jpg", "person.jpg"] },
  { pkg: "opencv-doc", dir: "usr/share/doc/opencv-doc/examples/data", files: ["messi5.jpg", "imageTextN.png", "vtest.avi"] },
];

export interface FindMediaOptions {
  /** Overrides EDGELENS_MEDIA_DIR (`null`: ignore the environment). */
  mediaDir?: string | null;
  /** Overrides the repository root found by walking up to pnpm-workspace.yaml. */
  repoRoot?: string;
  /** Fill the cache from Debian packages when nothing else has the media (default true). */
  fetch?: boolean;
}

const HOW_TO_GET =
  "Set EDGELENS_MEDIA_DIR to a folder holding " +
  MEDIA_FILES.join(", ") +
  ", or put them in <repo>/../shared/media, or let the cache <repo>/.cache/media fill itself (needs `apt-get download darknet opencv-doc` to work).";

/** The folder with pnpm-workspace.yaml above `from` (default: this module's folder). */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new EdgelensError("MEDIA_NOT_FOUND", `No pnpm-workspace.yaml above ${from}: cannot locate the repository root`, { from });
    dir = parent;
  }
}

function hasAllMedia(dir: string): boolean {
  return MEDIA_FILES.every((name) => existsSync(join(dir, name)));
}

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
}

/**
 * Downloads darknet and opencv-doc with `apt-get download` and extracts only the media files into
 * `cacheDir`. Only those five members leave the archives: opencv-doc unpacks to ~300 MB otherwise.
 */
export function fetchDebianMedia(cacheDir: string): void {
  extractDebianFiles(cacheDir, DEBIAN_SOURCES);
}

/** `apt-get download` each package and extract only `files` of it into `cacheDir`. */
export function extractDebianFiles(cacheDir: string, sources: readonly { pkg: string; dir: string; files: readonly string[] }[]): void {
  mkdirSync(cacheDir, { recursive: true });
  // Why a sibling temp folder: the final renames then stay on one file system and are atomic, so
  // two test workers filling the cache at once never see half a file.
  const work = mkdtempSync(join(dirname(resolve(cacheDir)), ".media-download-"));
  try {
    for (const source of sources) {
      run("apt-get", ["download", source.pkg], work);
      const deb = readdirSync(work).find((f) => f.startsWith(`${source.pkg}_`) && f.endsWith(".deb"));
      if (!deb) throw new Error(`apt-get download ${source.pkg} left no .deb in ${work}`);
      const members = source.files.map((f) => `./${source.dir}/${f}`);
      // Positional parameters keep the paths out of the shell's parsing.
      run("sh", ["-c", 'deb="$1"; dest="$2"; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" "$@"', "sh", deb, work, ...members], work);
      for (const file of source.files) {
        const extracted = join(work, source.dir, file);
        if (!existsSync(extracted)) throw new Error(`${deb} has no ${source.dir}/${file}`);
        renameSync(extracted, join(cacheDir, file));
      }
    }
  } catch (err) {
    throw new EdgelensError("MEDIA_NOT_FOUND", `Could not fill the media cache ${cacheDir} from Debian packages: ${(err as Error).message}. ${HOW_TO_GET}`, { cacheDir }, { cause: err });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The folder holding all of MEDIA_FILES; see the module comment for the search order. */
export function findMediaDir(options: FindMediaOptions = {}): string {
  const configured = options.mediaDir === undefined ? visionEnv().EDGELENS_MEDIA_DIR : (options.mediaDir ?? undefined);
  if (configured !== undefined) {
    const dir = resolve(configured);
    // An explicit setting that is wrong must not silently fall back to other copies.
    if (!hasAllMedia(dir)) {
      const missing = MEDIA_FILES.filter((name) => !existsSync(join(dir, name)));
      throw new EdgelensError("MEDIA_NOT_FOUND", `EDGELENS_MEDIA_DIR=${configured} lacks ${missing.join(", ")}. ${HOW_TO_GET}`, { dir });
    }
    return dir;
  }
  const root = options.repoRoot ?? findRepoRoot();
  const shared = resolve(root, "..", "shared", "media");
  if (hasAllMedia(shared)) return shared;
  const cache = join(root, ".cache", "media");
  if (hasAllMedia(cache)) return cache;
  if (options.fetch === false) {
    throw new EdgelensError("MEDIA_NOT_FOUND", `No test media in ${shared} or ${cache}. ${HOW_TO_GET}`, { shared, cache });
  }
  fetchDebianMedia(cache);
  return cache;
}

/** Absolute path of one media file. */
export function mediaPath(name: MediaName, options: FindMediaOptions = {}): string {
  if (!(MEDIA_FILES as readonly string[]).includes(name)) {
    throw new EdgelensError("MEDIA_NOT_FOUND", `Unknown media file "${name}" (there are: ${MEDIA_FILES.join(", ")})`, { name });
  }
  return join(findMediaDir(options), name);
}

/**
 * Photos only the face-recognition tests need: two frames of OpenCV's basketball sequence, the same
 * player's face in both (the only second photo of one person in these packages). Kept out of
 * MEDIA_FILES so that a media folder without them still serves every other test.
 */
export const FACE_MEDIA_FILES = ["basketball1.png", "basketball2.png"] as const;
export type FaceMediaName = (typeof FACE_MEDIA_FILES)[number];

/** Absolute path of a FACE_MEDIA_FILES photo: beside the other media, else in `<repo>/.cache/media`, filled from opencv-doc. */
export function faceMediaPath(name: FaceMediaName, options: FindMediaOptions = {}): string {
  const beside = join(findMediaDir(options), name);
  if (existsSync(beside)) return beside;
  const cache = join(options.repoRoot ?? findRepoRoot(), ".cache", "media");
  const cached = join(cache, name);
  if (existsSync(cached)) return cached;
  if (options.fetch === false) throw new EdgelensError("MEDIA_NOT_FOUND", `No ${name} beside the media or in ${cache}`, { name, cache });
  // Throws MEDIA_NOT_FOUND naming the cache when apt-get or the extraction fails.
  extractDebianFiles(cache, [{ pkg: "opencv-doc", dir: "usr/share/doc/opencv-doc/examples/data", files: FACE_MEDIA_FILES }]);
  return cached;
}
