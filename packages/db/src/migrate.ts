import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { fileURLToPath } from "node:url";
import type { DatabaseHandle } from "./client";

/**
 * The committed migrations folder, beside src/. Bundled apps pass their own copy. The path is
 * not a string literal so that bundlers (Next's Turbopack) do not try to bundle the folder as an
 * asset; at run time import.meta.url still names this source file.
 */
const MIGRATIONS_RELATIVE = ["..", "drizzle"].join("/");
export const defaultMigrationsFolder = fileURLToPath(new URL(MIGRATIONS_RELATIVE, import.meta.url));

/** Brings the database to the current schema. Console and broker call this at start. */
export function migrateDatabase(handle: DatabaseHandle, migrationsFolder = defaultMigrationsFolder): void {
  migrate(handle.db, { migrationsFolder });
}
