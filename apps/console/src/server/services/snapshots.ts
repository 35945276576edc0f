/**
 * Event snapshots: JPEGs the broker stored for `store` rules with `snapshot: true`
 * (content-addressed artifacts of kind `snapshot`), readable by any signed-in user.
 */
import { stat } from "node:fs/promises";
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { artifactPath, artifacts, deployments, events } from "@edgelens/db";
import { EdgelensError, Sha256Schema } from "@edgelens/shared";
import type { ServiceContext } from "../context";

export interface SnapshotFile {
  path: string;
  size: number;
}

/** Where users fetch a snapshot (relative to the console URL). */
export function snapshotPath(sha256: string): string {
  return `/api/v1/snapshots/${sha256}`;
}

/** INVALID_PAYLOAD for a malformed id, NOT_FOUND when it is not a stored snapshot. */
export async function findSnapshot(ctx: ServiceContext, sha256: string): Promise<SnapshotFile> {
  if (!Sha256Schema.safeParse(sha256).success) {
    throw new EdgelensError("INVALID_PAYLOAD", "a snapshot id is a sha256: 64 lower-case hex digits", { sha256: sha256.slice(0, 80) });
  }
  const row = ctx.db
    .select({ size: artifacts.size })
    .from(artifacts)
    .where(and(eq(artifacts.sha256, sha256), eq(artifacts.kind, "snapshot")))
    .get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no snapshot ${sha256}`, { sha256 });
  const path = artifactPath(ctx.paths, sha256);
  const file = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") throw new EdgelensError("NOT_FOUND", `snapshot ${sha256} is recorded but its file is gone`, { sha256 });
    throw err;
  });
  return { path, size: file.size };
}

export interface LatestSnapshot {
  url: string;
  deviceId: string;
  ts: number;
}

/**
 * The newest event snapshot of a device the project was deployed to: a picture of its camera to
 * draw zones on. Null when none of them stored one yet.
 */
export function latestProjectSnapshot(ctx: ServiceContext, projectId: string): LatestSnapshot | null {
  const devices = ctx.db.selectDistinct({ id: deployments.deviceId }).from(deployments).where(eq(deployments.projectId, projectId)).all().map((d) => d.id);
  if (devices.length === 0) return null;
  const row = ctx.db
    .select({ sha256: events.snapshotSha256, deviceId: events.deviceId, ts: events.ts })
    .from(events)
    .where(and(inArray(events.deviceId, devices), isNotNull(events.snapshotSha256)))
    .orderBy(desc(events.ts))
    .limit(1)
    .get();
  if (!row?.sha256 || !row.deviceId) return null;
  return { url: snapshotPath(row.sha256), deviceId: row.deviceId, ts: row.ts };
}
