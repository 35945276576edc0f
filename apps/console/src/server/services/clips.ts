/**
 * Clips around events (docs/design.md "Clips"): MP4s devices send for a `clip` rule action or a
 * function's `ctx.clip`, stored as content-addressed artifacts of kind `clip` and linked to their
 * event. Bounded per device by count, bytes and age; the oldest go first.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { and, asc, desc, eq, gte, inArray, lt } from "drizzle-orm";
import { artifactPath, artifacts, clips, events } from "@edgelens/db";
import { EdgelensError, type ClipReport } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { storeArtifactFile, artifactUrl } from "../storage/artifacts";
import { writeBounded, type ByteSource } from "../storage/streams";

export interface ClipView {
  clipId: string;
  deviceId: string;
  eventId: number | null;
  projectId: string | null;
  state: "requested" | "ready" | "failed";
  /** Where the browser plays it (`/api/artifacts/{sha256}`, with Range), when ready. */
  url: string | null;
  size: number | null;
  durationMs: number | null;
  error: { code: string; message: string } | null;
  at: number;
  createdAt: number;
}

/** A clip still `requested` this long after the request is shown as failed: the device never answered. */
export const CLIP_ANSWER_MS = 5 * 60_000;

type ClipRow = typeof clips.$inferSelect;

function view(row: ClipRow, now: number): ClipView {
  const silent = row.state === "requested" && now - row.createdAt > CLIP_ANSWER_MS;
  return {
    clipId: row.clipId,
    deviceId: row.deviceId,
    eventId: row.eventId,
    projectId: row.projectId,
    state: silent ? "failed" : row.state,
    url: row.state === "ready" && row.sha256 ? artifactUrl(row.sha256) : null,
    size: row.size,
    durationMs: row.durationMs,
    error: silent
      ? { code: "NOT_FOUND", message: `the device did not send the clip within ${CLIP_ANSWER_MS / 60_000} minutes (offline?)` }
      : row.errorCode
        ? { code: row.errorCode, message: row.errorMessage ?? "" }
        : null,
    at: row.at,
    createdAt: row.createdAt,
  };
}

/**
 * The clip of each event that has one, by event id: the clip a `clip` rule action asked for with
 * the event, or the one its payload names (`extra.clipId` of a result, or a selected `clipId`; from
 * a function's `ctx.clip`) on its device.
 */
export function clipsOfEvents(ctx: ServiceContext, rows: readonly { id: number; deviceId: string | null; payload: unknown }[]): Map<number, ClipView> {
  if (rows.length === 0) return new Map();
  const now = Date.now();
  const found = new Map<number, ClipView>();
  for (const r of ctx.db.select().from(clips).where(inArray(clips.eventId, rows.map((e) => e.id))).all()) {
    if (r.eventId !== null) found.set(r.eventId, view(r, now));
  }
  for (const e of rows) {
    const payload = e.payload as { clipId?: unknown; extra?: { clipId?: unknown } } | null;
    const clipId = payload?.clipId ?? payload?.extra?.clipId;
    if (found.has(e.id) || !e.deviceId || typeof clipId !== "string") continue;
    const r = ctx.db.select().from(clips).where(and(eq(clips.deviceId, e.deviceId), eq(clips.clipId, clipId))).get();
    if (r) found.set(e.id, view(r, now));
  }
  return found;
}

/** A device's clips, newest first. */
export function listDeviceClips(ctx: ServiceContext, deviceId: string, limit = 20): ClipView[] {
  const now = Date.now();
  return ctx.db.select().from(clips).where(eq(clips.deviceId, deviceId)).orderBy(desc(clips.createdAt), desc(clips.id)).limit(limit).all().map((r) => view(r, now));
}

/**
 * A device's answer to a clip request: the MP4 (`body`) or, with `report.error`, why there is
 * none. The clip's row is made or completed; then the device's oldest clips beyond the bounds go.
 */
export async function receiveClip(ctx: ServiceContext, deviceId: string, report: ClipReport, body: ByteSource | null, declaredBytes?: number): Promise<ClipView> {
  // A device links clips to its own events only; an event gone meanwhile (retention) links nothing.
  let eventId = report.eventId ?? null;
  if (eventId !== null) {
    const owner = ctx.db.select({ deviceId: events.deviceId }).from(events).where(eq(events.id, eventId)).get();
    if (owner && owner.deviceId !== deviceId) throw new EdgelensError("FORBIDDEN", `event ${eventId} is not an event of device ${deviceId}`, { deviceId, clipId: report.clipId });
    if (!owner) eventId = null;
  }
  const base = {
    deviceId,
    clipId: report.clipId,
    eventId,
    projectId: report.projectId ?? null,
    at: report.at,
    pre: Math.round(report.pre * 1000),
    post: Math.round(report.post * 1000),
  };
  let values: Partial<ClipRow> & Pick<ClipRow, "state">;
  if (report.error || !body) {
    const error = report.error ?? { code: "INVALID_PAYLOAD" as const, message: "the device sent neither a clip nor an error" };
    values = { state: "failed", errorCode: error.code, errorMessage: error.message };
  } else {
    const limit = ctx.config.clips.maxBytesPerDevice;
    await mkdir(ctx.paths.uploadsDir, { recursive: true });
    const tmp = join(ctx.paths.uploadsDir, `clip-${randomBytes(8).toString("hex")}.mp4`);
    const written = await writeBounded(body, tmp, limit, `clip ${report.clipId}`, declaredBytes).catch((err: unknown) => {
      if (err instanceof EdgelensError && err.code === "TOO_LARGE") {
        throw new EdgelensError("TOO_LARGE", `clip ${report.clipId} is larger than the ${Math.floor(limit / 1048576)} MiB a device may keep (EDGELENS_CLIPS_MAX_MB_PER_DEVICE)`, { deviceId, clipId: report.clipId });
      }
      throw err;
    });
    try {
      const stored = await storeArtifactFile(ctx, written.path, "clip", true, { sha256: written.sha256, size: written.size });
      values = { state: "ready", sha256: stored.sha256, size: stored.size, durationMs: report.durationMs ?? null, errorCode: null, errorMessage: null };
    } finally {
      await rm(tmp, { force: true });
    }
  }
  ctx.db
    .insert(clips)
    .values({ ...base, ...values })
    .onConflictDoUpdate({ target: [clips.deviceId, clips.clipId], set: values })
    .run();
  await enforceClipBounds(ctx, deviceId);
  const row = ctx.db.select().from(clips).where(and(eq(clips.deviceId, deviceId), eq(clips.clipId, report.clipId))).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `clip ${report.clipId} was removed by the device's clip bounds at once`, { deviceId, clipId: report.clipId });
  return view(row, Date.now());
}

/**
 * Removes a device's clips older than the age bound, then the oldest while there are more than
 * the count bound or more bytes than the byte bound; an artifact goes with its last clip.
 */
export async function enforceClipBounds(ctx: ServiceContext, deviceId: string, now = Date.now()): Promise<number> {
  const { maxPerDevice, maxBytesPerDevice, maxAgeMs } = ctx.config.clips;
  const doomed = ctx.db.select({ id: clips.id, sha256: clips.sha256 }).from(clips).where(and(eq(clips.deviceId, deviceId), lt(clips.createdAt, now - maxAgeMs))).all();
  const kept = ctx.db
    .select({ id: clips.id, sha256: clips.sha256, size: clips.size })
    .from(clips)
    .where(and(eq(clips.deviceId, deviceId), gte(clips.createdAt, now - maxAgeMs)))
    .orderBy(asc(clips.createdAt), asc(clips.id))
    .all();
  let count = kept.length;
  let bytes = kept.reduce((n, r) => n + (r.size ?? 0), 0);
  for (const row of kept) {
    if (count <= maxPerDevice && bytes <= maxBytesPerDevice) break;
    doomed.push(row);
    count -= 1;
    bytes -= row.size ?? 0;
  }
  if (doomed.length === 0) return 0;
  ctx.db.delete(clips).where(inArray(clips.id, doomed.map((d) => d.id))).run();
  for (const sha256 of new Set(doomed.flatMap((d) => (d.sha256 ? [d.sha256] : [])))) {
    const used = ctx.db.select({ id: clips.id }).from(clips).where(eq(clips.sha256, sha256)).get();
    if (used) continue;
    ctx.db.delete(artifacts).where(and(eq(artifacts.sha256, sha256), eq(artifacts.kind, "clip"))).run();
    await rm(artifactPath(ctx.paths, sha256), { force: true });
  }
  return doomed.length;
}
