import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the OS temp dir; `remove` deletes it with everything inside. */
export function makeTempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `edgelens-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
