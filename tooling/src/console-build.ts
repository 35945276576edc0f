/**
 * One production build of the console per source state, shared by every suite and bench that
 * needs a console: `next build` into `apps/console/.next/build-<hash>` (the hash covers every
 * file the build reads, so a stale build is never served), at most one build at a time (a lock
 * folder; a dead builder's lock is taken over), then each user starts `next start` on it.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, isBuilt, sourceHash } from "./build-cache";
import { childEnv, startProcess } from "./processes";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const consoleRoot = join(repoRoot, "apps/console");
export const nextBin = join(consoleRoot, "node_modules/next/dist/bin/next");

/** What `next build` reads: the console minus its tests and benches, and the packages it transpiles. */
const SOURCES = ["apps/console/src", "apps/console/public", "apps/console/next.config.ts", "apps/console/package.json", "apps/console/tsconfig.json", "apps/console/postcss.config.mjs", "packages/shared/src", "packages/db/src", "packages/db/drizzle", "packages/vision/src", "pnpm-lock.yaml"];
const BUILD_TIMEOUT_MS = 900_000;

/** A short hash of every source file the console build reads (names and contents). */
export function consoleSourceHash(): string {
  return sourceHash(repoRoot, SOURCES);
}

/** The build folder (relative to apps/console, for EDGELENS_NEXT_DIST_DIR) of the current sources, if built. */
export function currentConsoleBuild(): string | null {
  const dist = `.next/build-${consoleSourceHash()}`;
  return isBuilt(join(consoleRoot, dist)) ? dist : null;
}

async function runBuild(dist: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log(`console: building for tests (sources ${dist.slice(-16)} not built yet): next build into apps/console/${dist}`);
  const proc = startProcess("next-build", process.execPath, [nextBin, "build"], {
    cwd: consoleRoot,
    echo: false,
    env: childEnv({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", EDGELENS_NEXT_DIST_DIR: dist, EDGELENS_NEXT_SKIP_TYPECHECK: "1" }),
  });
  const timer = setTimeout(() => void proc.stop(), BUILD_TIMEOUT_MS);
  const { code, signal } = await proc.exitStatus;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`console: next build failed (${code ?? signal}):\n${proc.output().slice(-6000)}`);
  log(`console: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * The build folder of the current sources, building it first when there is none (or waiting for
 * the process that is building it). Resolves with the folder relative to apps/console.
 */
export async function ensureConsoleBuild(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const dist = `.next/build-${consoleSourceHash()}`;
  await ensureBuilt({ dir: join(consoleRoot, dist), prefix: "build-", what: "console", timeoutMs: BUILD_TIMEOUT_MS, build: () => runBuild(dist, log), log });
  return dist;
}
