import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import * as schema from "./schema";

export type EdgelensDb = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: EdgelensDb;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** ms a writer waits for the lock; console and broker share the file. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode: console and broker are separate
 * processes on one file, and WAL lets readers proceed while one writes.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { readonly: options.readonly ?? false });
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    sqlite.pragma("journal_mode = WAL");
    // WAL + NORMAL is durable against application crashes; only an OS crash may lose the last commit.
    sqlite.pragma("synchronous = NORMAL");
  }
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, path, close: () => sqlite.close() };
}
