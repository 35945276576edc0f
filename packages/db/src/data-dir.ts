import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

/** Where each part keeps its files under EDGELENS_DATA_DIR (docs/design.md "Configuration"). */
export interface DataPaths {
  root: string;
  dbFile: string;
  artifactsDir: string;
  brokerDir: string;
  secretFile: string;
  uploadsDir: string;
}

/** The folder of pnpm-workspace.yaml at or above `from`; null outside a checkout (a moved bundle). */
export function findWorkspaceRoot(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * EDGELENS_DATA_DIR as every part reads it: a relative path resolves against the workspace root,
 * whichever app folder the process runs in, so broker, console and launcher share one `./data`.
 * Outside a checkout it resolves against `cwd`.
 */
export function resolveDataDir(value: string, cwd = process.cwd()): string {
  return isAbsolute(value) ? value : resolve(findWorkspaceRoot(cwd) ?? cwd, value);
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    dbFile: join(root, "edgelens.db"),
    artifactsDir: join(root, "artifacts"),
    brokerDir: join(root, "broker"),
    secretFile: join(root, "secret"),
    uploadsDir: join(root, "uploads"),
  };
}

/** Path of a content-addressed artifact: two-level fan-out keeps directories small. */
export function artifactPath(paths: DataPaths, sha256: string): string {
  return join(paths.artifactsDir, sha256.slice(0, 2), sha256);
}

/**
 * EDGELENS_SECRET when given, else the one generated into the data dir on first start.
 * Console and broker may start together: the exclusive create makes the first writer win
 * and the other read its value.
 */
export function loadOrCreateSecret(paths: DataPaths, configured?: string): string {
  if (configured) return configured;
  mkdirSync(paths.root, { recursive: true });
  try {
    writeFileSync(paths.secretFile, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(paths.secretFile, "utf8").trim();
}
