/**
 * A build kept per source state: `<parent>/<prefix><hash>` where the hash covers every file the
 * build reads (so a stale build is never used), made by at most one process at a time (a lock
 * folder beside it; a dead builder's lock is taken over), marked complete by a stamp file, and
 * older builds of the same prefix removed once a new one is complete. The console's test build
 * and the test bundles of the Node apps both live this way.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

const STAMP = "edgelens-build-complete";

function addTree(hash: ReturnType<typeof createHash>, root: string, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name !== "node_modules") addTree(hash, root, join(path, name));
    return;
  }
  hash.update(`${relative(root, path)}\0`);
  hash.update(readFileSync(path));
}

/** A short hash of the files under `sources` (paths relative to `root`): names and contents. */
export function sourceHash(root: string, sources: string[]): string {
  const hash = createHash("sha256");
  for (const s of sources) addTree(hash, root, join(root, s));
  return hash.digest("hex").slice(0, 16);
}

export function isBuilt(dir: string): boolean {
  return existsSync(join(dir, STAMP));
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

/** Builds of older sources only take disk space; a lock stays while its builder lives. */
function pruneOlder(dir: string, prefix: string): void {
  const parent = dirname(dir);
  const current = basename(dir);
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix) || name === current || name === `${current}.lock`) continue;
    const pidFile = join(parent, name, "pid");
    if (name.endsWith(".lock") && existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, "utf8")))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

export interface CachedBuild {
  /** The build's folder: `<parent>/<prefix><hash>`. */
  dir: string;
  /** The prefix its siblings of older source states share. */
  prefix: string;
  /** Names the build in waiting and timeout messages. */
  what: string;
  timeoutMs: number;
  /** Fills `dir` (emptied first); throws on failure. */
  build(dir: string): Promise<void>;
  log(line: string): void;
}

/** Builds `dir` unless it is complete, or waits for the process that is building it. */
export async function ensureBuilt(b: CachedBuild): Promise<void> {
  const lock = `${b.dir}.lock`;
  mkdirSync(dirname(b.dir), { recursive: true });
  const deadline = Date.now() + b.timeoutMs;
  let waiting = false;
  while (!isBuilt(b.dir)) {
    if (tryLock(lock)) {
      try {
        // Another process may have finished between our check and the lock.
        if (!isBuilt(b.dir)) {
          rmSync(b.dir, { recursive: true, force: true });
          await b.build(b.dir);
          writeFileSync(join(b.dir, STAMP), new Date().toISOString());
          pruneOlder(b.dir, b.prefix);
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`${b.what}: not built in ${b.dir} after ${b.timeoutMs / 1000} s (lock ${lock} held)`);
    if (!waiting) b.log(`${b.what}: waiting for the build another process is making (${b.dir})`);
    waiting = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
