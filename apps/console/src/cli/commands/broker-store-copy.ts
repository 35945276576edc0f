/**
 * The broker's store (`<data>/broker/`, LevelDB: persistent sessions with their queued messages,
 * retained messages, wills, waiting snapshot requests) copied for `backup` while the broker may
 * hold it open, and back for `restore`. LevelDB only appends to its log and MANIFEST and never
 * rewrites a table file, and every flush or compaction (the only times files are replaced) adds
 * a record to the MANIFEST. So a copy during which CURRENT and the MANIFEST's size stayed the
 * same, and no file vanished, is a state LevelDB can open: the log's tail may be torn mid-record,
 * which its recovery drops (writes of those last moments only).
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared";

/** The lock and LevelDB's own info logs: not data. */
const NOT_DATA = new Set(["LOCK", "LOG", "LOG.old"]);
/** A flush restarts the copy; under steady writes one comes every few MB, so a few tries suffice. */
const MAX_TRIES = 5;

export interface BrokerStoreCopy {
  files: number;
  bytes: number;
  tries: number;
}

async function fingerprint(dir: string): Promise<string> {
  const current = (await readFile(join(dir, "CURRENT"), "utf8").catch(() => "")).trim();
  const manifest = current ? await stat(join(dir, current)).catch(() => null) : null;
  return `${current}:${manifest?.size ?? -1}`;
}

/** Copies every file once; false when one vanished meanwhile (a compaction removed it). */
async function copyOnce(from: string, to: string): Promise<{ files: number; bytes: number } | null> {
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true, mode: 0o700 });
  let files = 0;
  let bytes = 0;
  for (const name of (await readdir(from)).filter((n) => !NOT_DATA.has(n)).sort()) {
    try {
      await copyFile(join(from, name), join(to, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    files += 1;
    bytes += (await stat(join(to, name))).size;
  }
  return { files, bytes };
}

/**
 * Replaces `to` with a copy of the LevelDB folder `from`; null when `from` holds no store (a
 * broker never started there). CONFLICT when it kept changing through every try.
 */
export async function copyBrokerStore(from: string, to: string, progress: (line: string) => void): Promise<BrokerStoreCopy | null> {
  if (!existsSync(join(from, "CURRENT"))) return null;
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const before = await fingerprint(from);
      const copied = await copyOnce(from, tmp);
      if (copied && (await fingerprint(from)) === before) {
        await rm(to, { recursive: true, force: true });
        await rename(tmp, to);
        return { ...copied, tries };
      }
      progress(`broker store: the broker flushed during copy ${tries}; copying again`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  throw new EdgelensError("CONFLICT", `the broker store ${from} changed during each of ${MAX_TRIES} copies`, { path: from });
}
