import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";

function mismatch(what: string, file: string): EdgelensError {
  return new EdgelensError("INVALID_MODEL", `${what} in ${file} no longer match the constants in @edgelens/vision/models`, { file });
}

/** The COCO class list from human's src/object/labels.ts, checked to be classes 1..80 in order. */
export function readHumanCocoLabels(humanDir: string): string[] {
  const file = join(humanDir, "src/object/labels.ts");
  const entries = [...readFileSync(file, "utf8").matchAll(/class:\s*(\d+),\s*label:\s*'([^']+)'/g)];
  if (entries.length !== 80 || entries.some((m, i) => Number(m[1]) !== i + 1)) throw mismatch("COCO labels", file);
  return entries.map((m) => (m[2] ?? "").toLowerCase());
}

/** MoveNet keypoint names from human's src/body/movenetcoords.ts, camelCase -> snake_case. */
export function readHumanMovenetKeypoints(humanDir: string): string[] {
  const file = join(humanDir, "src/body/movenetcoords.ts");
  const block = /export const kpt[^=]*=\s*\[([^\]]*)\]/.exec(readFileSync(file, "utf8"))?.[1] ?? "";
  const names = [...block.matchAll(/'([A-Za-z]+)'/g)].map((m) => (m[1] ?? "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  if (names.length !== 17) throw mismatch("MoveNet keypoints", file);
  return names;
}

/** PaddleOCR's dictionary file (one character per line, no trailing newline, e.g. ppocr_keys_v1.txt). */
export function readPpocrKeys(file: string): string[] {
  const keys = readFileSync(file, "utf8").replace(/\r?\n$/, "").split(/\r?\n/);
  if (keys.some((k) => Array.from(k).length !== 1)) throw mismatch("Dictionary entries (one character each)", file);
  return keys;
}

export function assertSameList(expected: readonly string[], actual: string[], what: string): void {
  if (expected.length !== actual.length || expected.some((v, i) => v !== actual[i])) {
    throw new EdgelensError("INVALID_MODEL", `${what} from the model package differ from @edgelens/vision's constant: ${actual.join(", ")}`, {});
  }
}
