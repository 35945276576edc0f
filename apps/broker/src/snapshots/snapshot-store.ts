import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { inArray } from "drizzle-orm";
import { artifactPath, artifacts, events, type DataPaths, type EdgelensDb } from "@edgelens/db";

export interface StoredSnapshot {
  sha256: string;
  size: number;
}

/**
 * Writes `bytes` into the content-addressed artifacts folder the console serves from (the same
 * layout as its storage/artifacts.ts: `artifacts/<sha[0..2]>/<sha>`). The same bytes are stored
 * once; a reader never sees a half-written file because the write goes beside the target first.
 */
export async function writeArtifactFile(paths: DataPaths, bytes: Buffer): Promise<StoredSnapshot> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const dest = artifactPath(paths, sha256);
  const present = await stat(dest).then(
    (s) => s.isFile() && s.size === bytes.length,
    () => false,
  );
  if (!present) {
    await mkdir(dirname(dest), { recursive: true });
    // Unique per write: two frames (or two brokers on one data dir) may carry the same bytes.
    const tmp = `${dest}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, bytes, { flag: "wx" });
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
  return { sha256, size: bytes.length };
}

/** The `artifacts` row (kind `snapshot`, kept if it exists) and the events' snapshot_sha256, in one transaction. */
export function linkSnapshot(db: EdgelensDb, stored: StoredSnapshot, eventIds: readonly number[]): void {
  db.transaction((tx) => {
    tx.insert(artifacts).values({ sha256: stored.sha256, size: stored.size, kind: "snapshot" }).onConflictDoNothing().run();
    tx.update(events).set({ snapshotSha256: stored.sha256 }).where(inArray(events.id, [...eventIds])).run();
  });
}
