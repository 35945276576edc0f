import { and, eq } from "drizzle-orm";
import { clips, type EdgelensDb } from "@edgelens/db";
import type { ClipRequest, ErrorCode } from "@edgelens/shared";

/**
 * The `clips` row of a clip the broker asks a device for (`requested`), so the console shows the
 * event's clip as coming before the device answers, and as failed when it cannot be asked.
 */
export function recordClipRequest(db: EdgelensDb, deviceId: string, request: ClipRequest): void {
  db.insert(clips)
    .values({
      deviceId,
      clipId: request.clipId,
      eventId: request.eventId ?? null,
      projectId: request.projectId ?? null,
      at: request.at,
      pre: Math.round(request.pre * 1000),
      post: Math.round(request.post * 1000),
      state: "requested",
    })
    .onConflictDoNothing()
    .run();
}

export function failClipRequest(db: EdgelensDb, deviceId: string, clipId: string, code: ErrorCode, message: string): void {
  db.update(clips)
    .set({ state: "failed", errorCode: code, errorMessage: message.slice(0, 2048) })
    .where(and(eq(clips.deviceId, deviceId), eq(clips.clipId, clipId), eq(clips.state, "requested")))
    .run();
}
