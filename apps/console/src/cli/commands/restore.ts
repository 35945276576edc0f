/**
 * `edgelens restore --from DIR`: puts a backup (backup.ts) into EDGELENS_DATA_DIR while the
 * broker and the console are stopped. It refuses a data dir that holds anything (unless --force)
 * and a backup migrated further than this code knows (the code would run on a schema it does
 * not understand: upgrade first). Every artifact is verified against its sha256 on the way.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { dataPaths, openDatabase } from "@edgelens/db";
import { EdgelensError, formatZodError } from "@edgelens/shared";
import { loadConsoleConfig } from "../../env";
import { CliFailure, note, printLine } from "../runtime";
import { copyBrokerStore } from "./broker-store-copy";
import {
  BackupManifestSchema,
  codeMigrationLevel,
  copyArtifacts,
  copyDatabase,
  copyPlainFile,
  DB_FILE,
  inspectDatabase,
  MANIFEST_FILE,
  missingArtifacts,
  type BackupManifest,
  type MigrationLevel,
  type Progress,
} from "./backup";

export interface RestoreSummary {
  manifest: BackupManifest;
  rows: number;
  artifacts: number;
  files: string[];
  problems: string[];
}

async function readManifest(fromDir: string): Promise<BackupManifest> {
  const file = join(fromDir, MANIFEST_FILE);
  if (!existsSync(file)) throw new EdgelensError("NOT_FOUND", `${fromDir} is not an edgelens backup: it has no ${MANIFEST_FILE}`, { path: file });
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new EdgelensError("INVALID_PAYLOAD", `${file} is not valid JSON: ${(err as Error).message}`, { path: file });
  }
  const parsed = BackupManifestSchema.safeParse(json);
  if (!parsed.success) throw new EdgelensError("INVALID_PAYLOAD", `${file} is not a backup manifest: ${formatZodError(parsed.error)}`, { path: file });
  return parsed.data;
}

/** True when `backup` has a migration this code does not ship. */
function isNewer(backup: MigrationLevel, code: MigrationLevel): boolean {
  return backup.count > code.count || (backup.latest ?? 0) > (code.latest ?? 0);
}

export async function restoreDataDir(fromDir: string, dataDir: string, options: { force: boolean }, progress: Progress): Promise<RestoreSummary> {
  const manifest = await readManifest(fromDir);
  const backupDb = join(fromDir, DB_FILE);
  if (!existsSync(backupDb)) throw new EdgelensError("NOT_FOUND", `the backup ${fromDir} has no ${DB_FILE}`, { path: backupDb });
  // The database file itself, not the manifest, says how far it is migrated.
  const level = inspectDatabase(backupDb).migrations;
  const code = await codeMigrationLevel();
  if (isNewer(level, code)) {
    throw new EdgelensError(
      "CONFLICT",
      `the backup's database is at migration level ${level.count} (latest ${level.latest}), newer than this code's ${code.count} (latest ${code.latest}): ` +
        "upgrade this checkout to the version that made the backup, then restore",
      { path: backupDb },
    );
  }
  const entries = existsSync(dataDir) ? await readdir(dataDir) : [];
  if (entries.length > 0 && !options.force) {
    throw new CliFailure(
      `the data dir ${dataDir} is not empty (${entries.slice(0, 5).join(", ")}${entries.length > 5 ? ", ..." : ""}); ` +
        "restore into an empty EDGELENS_DATA_DIR, or stop the broker and the console and pass --force to replace its database",
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const paths = dataPaths(dataDir);

  const tmp = `${paths.dbFile}.${process.pid}.tmp`;
  await copyDatabase(backupDb, tmp, (line) => progress(line));
  for (const suffix of ["", "-wal", "-shm", "-journal"]) await rm(`${paths.dbFile}${suffix}`, { force: true });
  await rename(tmp, paths.dbFile);
  progress(`database: copied into ${paths.dbFile}`);

  const { corrupt, files: artifactCount } = await copyArtifacts(join(fromDir, "artifacts"), paths.artifactsDir, progress);
  progress(`artifacts: ${artifactCount} in place`);
  // The broker is stopped, so its store is copied back as it is (replacing the one there).
  if (manifest.broker) {
    const store = await copyBrokerStore(join(fromDir, "broker"), paths.brokerDir, progress);
    progress(`broker store: ${store?.files ?? 0} files in place (persistent sessions, retained messages)`);
  }
  const problems = [...corrupt];
  const restored: string[] = [];
  for (const { name } of manifest.files) {
    const src = join(fromDir, name);
    if (!existsSync(src)) {
      problems.push(`${src} is listed in ${MANIFEST_FILE} but missing`);
      continue;
    }
    await copyPlainFile(src, join(dataDir, name));
    restored.push(name);
  }

  const database = inspectDatabase(paths.dbFile);
  const handle = openDatabase(paths.dbFile, { readonly: true });
  try {
    problems.push(...missingArtifacts(handle, paths.artifactsDir).map((sha) => `artifact ${sha} is in the database but not in the backup`));
  } finally {
    handle.close();
  }
  const rows = Object.values(database.tables).reduce((a, b) => a + b, 0);
  return { manifest, rows, artifacts: artifactCount, files: restored, problems };
}

export function restoreCommand(program: Command): void {
  program
    .command("restore")
    .description("restore a backup (edgelens backup) into EDGELENS_DATA_DIR; the broker and the console must be stopped")
    .requiredOption("--from <dir>", "the backup folder")
    .option("--force", "replace the database of a data dir that is not empty (artifacts and files are merged)")
    .action(async (opts: { from: string; force?: boolean }) => {
      const config = loadConsoleConfig();
      const from = resolve(opts.from);
      const summary = await restoreDataDir(from, config.dataDir, { force: opts.force === true }, (line) => note(`restore: ${line}`));
      printLine(
        `restored ${from} (made ${summary.manifest.createdAt}) into ${config.dataDir}: ${summary.rows} rows, ${summary.artifacts} artifacts, files: ${summary.files.join(", ") || "none"}`,
      );
      if (!summary.manifest.broker) note("restore: this backup has no broker store (persistent sessions, retained messages); when the console starts it publishes each device's desired state again where the broker has none");
      if (summary.problems.length) {
        summary.problems.forEach((p) => note(`restore: problem: ${p}`));
        throw new CliFailure(`restore finished with ${summary.problems.length} problem(s), listed above`);
      }
    });
}
