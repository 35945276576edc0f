/**
 * `edgelens backup --out DIR`: an online copy of a data dir (docs/production.md, "Backups").
 * The database goes through SQLite's backup API, so the copy is one consistent snapshot while
 * the broker and the console keep writing; artifacts are content-addressed, so only missing
 * ones are copied, each verified against its name. `restore.ts` reads what this writes.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { z } from "zod";
import { dataPaths, defaultMigrationsFolder, openDatabase, type DatabaseHandle } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import { loadConsoleConfig } from "../../env";
import { CliFailure, note, printLine } from "../runtime";
import { copyBrokerStore, type BrokerStoreCopy } from "./broker-store-copy";

export const DB_FILE = "edgelens.db";
export const MANIFEST_FILE = "manifest.json";
/** The database and its journals: copied through the backup API, never as files. */
const SQLITE_FILES = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`]);
/** Pages per backup step: other connections write between steps. */
const STEP_PAGES = 1024;
/** A write by another connection restarts the copy (sqlite3_backup_step); after this many, copy in one step. */
const MAX_RESTARTS = 3;
/** better-sqlite3's largest step: everything that remains. */
const ALL_PAGES = 0x7fffffff;

const count = z.number().int().nonnegative();
/** How far a database is migrated: drizzle applies every migration newer than `latest` (its journal's `when`). */
const MigrationLevelSchema = z.object({ count, latest: z.number().nullable() }).strict();
export type MigrationLevel = z.infer<typeof MigrationLevelSchema>;

export const BackupManifestSchema = z
  .object({
    format: z.literal(1),
    createdAt: z.string(),
    source: z.string(),
    database: z.object({ file: z.literal(DB_FILE), bytes: count, integrity: z.literal("ok"), migrations: MigrationLevelSchema, tables: z.record(z.string(), count), restarts: count }).strict(),
    artifacts: z.object({ files: count, bytes: count, copied: count, copiedBytes: count }).strict(),
    /** The broker's LevelDB (persistent sessions, retained messages); null: none in the data dir; absent in older backups. */
    broker: z.object({ files: count, bytes: count, tries: count }).strict().nullable().optional(),
    files: z.array(z.object({ name: z.string().regex(/^[^/\\]+$/).refine((n) => n !== "." && n !== ".."), bytes: count, mode: count }).strict()),
    skipped: z.array(z.string()),
    problems: z.array(z.string()),
  })
  .strict();
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

export type Progress = (line: string) => void;

/** The level this code migrates to (packages/db/drizzle/meta/_journal.json). */
export async function codeMigrationLevel(): Promise<MigrationLevel> {
  const journal = JSON.parse(await readFile(join(defaultMigrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] };
  const whens = journal.entries.map((e) => e.when);
  return { count: whens.length, latest: whens.length ? Math.max(...whens) : null };
}

export function databaseMigrationLevel(handle: DatabaseHandle): MigrationLevel {
  const table = handle.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return { count: 0, latest: null };
  const row = handle.sqlite.prepare("SELECT count(*) AS n, max(CAST(created_at AS INTEGER)) AS latest FROM __drizzle_migrations").get() as { n: number; latest: number | null };
  return { count: row.n, latest: row.latest };
}

/** integrity_check, migration level and row counts of a database file; CONFLICT when it is damaged. */
export function inspectDatabase(path: string): BackupManifest["database"] {
  // Read-only: the copy stays one file in journal_mode DELETE (see copyDatabase).
  const handle = openDatabase(path, { readonly: true });
  try {
    const integrity = (handle.sqlite.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.join() !== "ok") throw new EdgelensError("CONFLICT", `${path} fails integrity_check: ${integrity.slice(0, 5).join("; ")}`, { path });
    const names = handle.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const tables = Object.fromEntries(names.map((n) => [n, handle.sqlite.prepare(`SELECT count(*) FROM "${n.replaceAll('"', '""')}"`).pluck().get() as number]));
    return { file: DB_FILE, bytes: 0, integrity: "ok", migrations: databaseMigrationLevel(handle), tables, restarts: 0 };
  } finally {
    handle.close();
  }
}

async function sha256Copy(src: string, dest: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(
    createReadStream(src),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(dest),
  );
  return hash.digest("hex");
}

function size(bytes: number): string {
  const [unit, div] = bytes >= 1e9 ? ["GB", 1e9] : bytes >= 1e6 ? ["MB", 1e6] : ["kB", 1e3];
  return `${(bytes / div).toFixed(1)} ${unit}`;
}

/**
 * Copies every artifact (`<xx>/<sha256>`) of `from` that `to` lacks, checking each copy's sha256
 * against its name. A mismatch is not copied and comes back in `corrupt`, named by its path.
 */
export async function copyArtifacts(from: string, to: string, progress: Progress): Promise<BackupManifest["artifacts"] & { corrupt: string[] }> {
  const stats = { files: 0, bytes: 0, copied: 0, copiedBytes: 0, corrupt: [] as string[] };
  const fans = existsSync(from) ? (await readdir(from, { withFileTypes: true })).filter((d) => d.isDirectory() && /^[0-9a-f]{2}$/.test(d.name)) : [];
  let lastReport = Date.now();
  for (const fan of fans.sort((a, b) => a.name.localeCompare(b.name))) {
    // In-flight writes (`<sha>.<pid>.tmp`) and anything else that is not an artifact stay behind.
    const names = (await readdir(join(from, fan.name))).filter((n) => /^[0-9a-f]{64}$/.test(n) && n.startsWith(fan.name)).sort();
    for (const name of names) {
      const src = join(from, fan.name, name);
      const dest = join(to, fan.name, name);
      const bytes = (await stat(src)).size;
      if ((await stat(dest).catch(() => null))?.size !== bytes) {
        await mkdir(join(to, fan.name), { recursive: true });
        const tmp = `${dest}.${process.pid}.tmp`;
        const actual = await sha256Copy(src, tmp);
        if (actual !== name) {
          await rm(tmp, { force: true });
          stats.corrupt.push(`${src}: its sha256 is ${actual}, not its name (the file is damaged)`);
          continue;
        }
        await rename(tmp, dest);
        stats.copied += 1;
        stats.copiedBytes += bytes;
      }
      stats.files += 1;
      stats.bytes += bytes;
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        progress(`artifacts: ${stats.files} checked, ${stats.copied} copied (${size(stats.copiedBytes)})`);
      }
    }
  }
  return stats;
}

/** Artifact rows of `db` whose file is not under `artifactsDir`. */
export function missingArtifacts(handle: DatabaseHandle, artifactsDir: string): string[] {
  const shas = handle.sqlite.prepare("SELECT sha256 FROM artifacts ORDER BY sha256").pluck().all() as string[];
  return shas.filter((sha) => !existsSync(join(artifactsDir, sha.slice(0, 2), sha)));
}

/** Copies the database through the backup API into `dest` (a self-contained file, journal_mode DELETE). */
export async function copyDatabase(src: string, dest: string, progress: Progress): Promise<number> {
  await rm(dest, { force: true });
  // Read-only: a live database is only read, and a backup's copy is left as it is.
  const handle = openDatabase(src, { readonly: true });
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  let lastTenth = -1;
  try {
    await handle.sqlite.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) {
          restarts += 1;
          lastTenth = -1;
          progress(`database: copy restarted by a concurrent write (${restarts}x)${restarts >= MAX_RESTARTS ? "; copying the rest in one step" : ""}`);
        }
        lastRemaining = remainingPages;
        const tenth = totalPages ? Math.floor((10 * (totalPages - remainingPages)) / totalPages) : 10;
        if (tenth > lastTenth) progress(`database: ${tenth * 10}% of ${totalPages} pages`);
        lastTenth = tenth;
        // One step is one read transaction: it cannot be restarted, and in WAL mode writers go on meanwhile.
        return restarts >= MAX_RESTARTS ? ALL_PAGES : STEP_PAGES;
      },
    });
  } finally {
    handle.close();
  }
  const copy = openDatabase(dest);
  copy.sqlite.pragma("journal_mode = DELETE");
  copy.close();
  return restarts;
}

/** Regular files at the top of a data dir other than the database (the secret, first-start files). */
export async function topLevelFiles(dir: string): Promise<{ files: string[]; skipped: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && !SQLITE_FILES.has(e.name)).map((e) => e.name);
  const skipped = entries.filter((e) => !e.isFile() && e.name !== "artifacts" && e.name !== "broker").map((e) => e.name);
  return { files: files.sort(), skipped: skipped.sort() };
}

export async function copyPlainFile(src: string, dest: string): Promise<{ bytes: number; mode: number }> {
  const s = await stat(src);
  const tmp = `${dest}.${process.pid}.tmp`;
  await copyFile(src, tmp);
  await chmod(tmp, s.mode & 0o777);
  await rename(tmp, dest);
  return { bytes: s.size, mode: s.mode & 0o777 };
}

export async function backupDataDir(dataDir: string, outDir: string, progress: Progress): Promise<BackupManifest> {
  const paths = dataPaths(dataDir);
  if (!existsSync(paths.dbFile)) throw new EdgelensError("NOT_FOUND", `no database at ${paths.dbFile} (EDGELENS_DATA_DIR=${dataDir})`, { path: paths.dbFile });
  const rel = relative(resolve(dataDir), resolve(outDir));
  if (rel === "" || !rel.startsWith("..")) throw new CliFailure(`--out ${outDir} is inside the data dir ${dataDir}; back up to another place`, 2);
  // Holds the secret and the credential hashes: owner only.
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const dbCopy = join(outDir, DB_FILE);
  const tmp = `${dbCopy}.${process.pid}.tmp`;
  const restarts = await copyDatabase(paths.dbFile, tmp, progress);
  const database = { ...inspectDatabase(tmp), bytes: (await stat(tmp)).size, restarts };
  await rename(tmp, dbCopy);
  progress(`database: copied, integrity ok, ${Object.keys(database.tables).length} tables, migration level ${database.migrations.count}`);

  // After the database: every artifact row in the copy was written after its file (storage/artifacts.ts).
  const { corrupt, ...artifacts } = await copyArtifacts(paths.artifactsDir, join(outDir, "artifacts"), progress);
  progress(`artifacts: ${artifacts.files} files (${size(artifacts.bytes)}), ${artifacts.copied} new (${size(artifacts.copiedBytes)})`);
  const copyHandle = openDatabase(dbCopy, { readonly: true });
  const missing = (() => {
    try {
      return missingArtifacts(copyHandle, join(outDir, "artifacts"));
    } finally {
      copyHandle.close();
    }
  })();

  // After the database too: a session message newer than the copied events is at worst delivered twice.
  const storeProblems: string[] = [];
  const broker: BrokerStoreCopy | null = await copyBrokerStore(paths.brokerDir, join(outDir, "broker"), progress).catch((err: unknown) => {
    storeProblems.push(`broker store: ${(err as Error).message}`);
    return null;
  });
  if (broker) progress(`broker store: ${broker.files} files (${size(broker.bytes)})`);

  const top = await topLevelFiles(dataDir);
  const files: BackupManifest["files"] = [];
  for (const name of top.files) files.push({ name, ...(await copyPlainFile(join(dataDir, name), join(outDir, name))) });
  const problems = [...corrupt, ...storeProblems, ...missing.map((sha) => `artifact ${sha} is in the database but its file is missing from ${paths.artifactsDir}`)];
  const manifest: BackupManifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    source: resolve(dataDir),
    database,
    artifacts,
    broker,
    files,
    // uploads/ holds unfinished uploads.
    skipped: top.skipped,
    problems,
  };
  await writeFile(join(outDir, `${MANIFEST_FILE}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await rename(join(outDir, `${MANIFEST_FILE}.tmp`), join(outDir, MANIFEST_FILE));
  return manifest;
}

export function backupCommand(program: Command): void {
  program
    .command("backup")
    .description("copy the data dir's database (online, consistent), artifacts and secret into DIR; artifacts already there are kept")
    .requiredOption("--out <dir>", "backup folder (created, mode 700); reuse it to copy only new artifacts")
    .action(async (opts: { out: string }) => {
      const config = loadConsoleConfig();
      const out = resolve(opts.out);
      const started = Date.now();
      const manifest = await backupDataDir(config.dataDir, out, (line) => note(`backup: ${line}`));
      const rows = Object.values(manifest.database.tables).reduce((a, b) => a + b, 0);
      printLine(
        `backup of ${config.dataDir} in ${out}: database ${manifest.database.bytes} bytes (${rows} rows), ${manifest.artifacts.files} artifacts ` +
          `(${manifest.artifacts.bytes} bytes, ${manifest.artifacts.copied} new), ${manifest.files.length} files, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (manifest.skipped.length) note(`backup: not copied: ${manifest.skipped.join(", ")} (see docs/production.md)`);
      if (manifest.problems.length) {
        manifest.problems.forEach((p) => note(`backup: problem: ${p}`));
        throw new CliFailure(`backup written to ${out}, but ${manifest.problems.length} artifact(s) could not be backed up (listed above and in ${MANIFEST_FILE})`);
      }
    });
}
