import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";

/**
 * Content-addressed files under `<dir>/<sha[0:2]>/<sha>`, with partial downloads under
 * `<dir>/partial/<sha>.part` so an interrupted download resumes where it stopped.
 * A file is only ever moved into place after its hash was checked, so presence means valid.
 */
export class ArtifactCache {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  partialPathOf(sha256: string): string {
    return join(this.dir, "partial", `${sha256}.part`);
  }

  /** True when the verified file is present with the expected size. */
  async has(sha256: string, size?: number): Promise<boolean> {
    try {
      const s = await stat(this.pathOf(sha256));
      return s.isFile() && (size === undefined || s.size === size);
    } catch {
      return false;
    }
  }

  async partialSize(sha256: string): Promise<number> {
    try {
      return (await stat(this.partialPathOf(sha256))).size;
    } catch {
      return 0;
    }
  }

  async ensureDirs(sha256: string): Promise<void> {
    await mkdir(join(this.dir, "partial"), { recursive: true });
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
  }

  /** Moves a checked partial file into place (rename: atomic on one file system). */
  async commit(sha256: string): Promise<string> {
    const target = this.pathOf(sha256);
    await rename(this.partialPathOf(sha256), target);
    return target;
  }

  async discardPartial(sha256: string): Promise<void> {
    await rm(this.partialPathOf(sha256), { force: true });
  }

  /**
   * When the cache holds more than `maxBytes`, deletes the oldest artifacts not in `keep` until
   * it fits (or only kept ones remain). Returns the bytes freed.
   */
  async prune(keep: ReadonlySet<string>, maxBytes: number): Promise<number> {
    const files: { path: string; name: string; size: number; mtimeMs: number }[] = [];
    let shards: string[];
    try {
      shards = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.dir, shard))) {
        const p = join(this.dir, shard, name);
        const s = await stat(p);
        files.push({ path: p, name, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
    let total = files.reduce((n, f) => n + f.size, 0);
    let freed = 0;
    for (const f of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= maxBytes) break;
      if (keep.has(f.name)) continue;
      await rm(f.path, { force: true });
      total -= f.size;
      freed += f.size;
    }
    return freed;
  }
}

/** sha256 (hex) of a file's bytes. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    // 1 MB reads: a 4 MB model is hashed in a handful of event-loop turns, not 64.
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (chunk) => h.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}
