/**
 * One production build of the console per source state, shared by every suite and bench that
 * needs a console: `next build` into `apps/console/.next/build-<hash>` (the hash covers every
 * file the build reads, so a stale build is never served), at most one build at a time (a lock
 * folder; a dead builder's lock is taken over), then each user starts `next start` on it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv, startProcess } from "./processes";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const consoleRoot = join(repoRoot, "apps/console");
export const nextBin = join(consoleRoot, "node_modules/next/dist/bin/next");

/** What `next build` reads: the console minus its tests and benches, and the packages it transpiles. */
const SOURCES = ["apps/console/src", "apps/console/public", "apps/console/next.config.ts", "apps/console/package.json", "apps/console/tsconfig.json", "apps/console/postcss.config.mjs", "packages/shared/src", "packages/db/src", "packages/db/drizzle", "packages/vision/src", "pnpm-lock.yaml"];
const STAMP = "edgelens-build-complete";
const BUILD_TIMEOUT_MS = 900_000;

function addTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name !== "node_modules") addTree(hash, join(path, name));
    return;
  }
  hash.update(`${relative(repoRoot, path)}\0`);
  hash.update(readFileSync(path));
}

/** A short hash of every source file the console build reads (names and contents). */
export function consoleSourceHash(): string {
  const hash = createHash("sha256");
  for (const s of SOURCES) addTree(hash, join(repoRoot, s));
  return hash.digest("hex").slice(0, 16);
}

/** The build folder (relative to apps/console, for EDGELENS_NEXT_DIST_DIR) of the current sources, if built. */
export function currentConsoleBuild(): string | null {
  const dist = `.next/build-${consoleSourceHash()}`;
  return existsSync(join(consoleRoot, dist, STAMP)) ? dist : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the build lock, or returns false while another live process holds it. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock, { recursive: false });
    writeFileSync(join(lock, "pid"), String(process.pid));
    return true;
  } catch {
    const pid = Number(existsSync(join(lock, "pid")) ? readFileSync(join(lock, "pid"), "utf8") : NaN);
    // A lock without a pid is being written this moment; one with a dead pid is left over.
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

async function runBuild(dist: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log(`console: building for tests (sources ${dist.slice(-16)} not built yet): next build into apps/console/${dist}`);
  rmSync(join(consoleRoot, dist), { recursive: true, force: true });
  const proc = startProcess("next-build", process.execPath, [nextBin, "build"], {
    cwd: consoleRoot,
    echo: false,
    env: childEnv({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", EDGELENS_NEXT_DIST_DIR: dist, EDGELENS_NEXT_SKIP_TYPECHECK: "1" }),
  });
  const timer = setTimeout(() => void proc.stop(), BUILD_TIMEOUT_MS);
  const { code, signal } = await proc.exitStatus;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`console: next build failed (${code ?? signal}):\n${proc.output().slice(-6000)}`);
  writeFileSync(join(consoleRoot, dist, STAMP), new Date().toISOString());
  log(`console: built in ${Math.round((Date.now() - started) / 1000)} s`);
  // Builds of older sources only take disk space now.
  for (const name of readdirSync(join(consoleRoot, ".next"))) {
    if (!name.startsWith("build-") || `.next/${name}` === dist || `.next/${name}` === `${dist}.lock`) continue;
    const pidFile = join(consoleRoot, ".next", name, "pid");
    // A lock stays while its builder lives; one left by a killed builder goes with its half-made build.
    if (name.endsWith(".lock") && existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, "utf8")))) continue;
    rmSync(join(consoleRoot, ".next", name), { recursive: true, force: true });
  }
}

/**
 * The build folder of the current sources, building it first when there is none (or waiting for
 * the process that is building it). Resolves with the folder relative to apps/console.
 */
export async function ensureConsoleBuild(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const dist = `.next/build-${consoleSourceHash()}`;
  const lock = join(consoleRoot, `${dist}.lock`);
  mkdirSync(join(consoleRoot, ".next"), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  let waiting = false;
  while (!existsSync(join(consoleRoot, dist, STAMP))) {
    if (tryLock(lock)) {
      try {
        // Another process may have finished between our check and the lock.
        if (!existsSync(join(consoleRoot, dist, STAMP))) await runBuild(dist, log);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`console: no build in apps/console/${dist} after ${BUILD_TIMEOUT_MS / 1000} s (lock ${lock} held)`);
    if (!waiting) log(`console: waiting for the build another process is making (apps/console/${dist})`);
    waiting = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return dist;
}
