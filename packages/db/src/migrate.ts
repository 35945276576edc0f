import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { fileURLToPath } from "node:url";
import type { DatabaseHandle } from "./client";

/** The committed migrations folder, beside src/. Bundled apps pass their own copy. */
export const defaultMigrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Brings the database to the current schema. Console and broker call this at start. */
export function migrateDatabase(handle: DatabaseHandle, migrationsFolder = defaultMigrationsFolder): void {
  migrate(handle.db, { migrationsFolder });
}
