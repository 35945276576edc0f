import { EdgelensError } from "@edgelens/shared/errors";
import type { ClipReport, ClipRequest } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { ClipRecorders } from "./clip-recorders";
import type { ClipUploader } from "./clip-uploader";

/** Sends a clip report (and the MP4): the ClipUploader, or a test's stand-in. */
export type ClipSender = Pick<ClipUploader, "send">;

/**
 * Answers clip requests (the `clip` command, a function's `ctx.clip`): records the window from
 * the source of the project (or the named source), sends the MP4, and when that fails sends the
 * reason instead, so the event shows it. Never throws.
 */
export class ClipService {
  constructor(
    private readonly recorders: ClipRecorders,
    /** The source URI a running project reads (RecordingHost.sourceOf); null when it does not run. */
    private readonly sourceOf: (projectId: string) => string | null,
    private readonly sender: ClipSender,
    private readonly log: Logger,
  ) {}

  async handle(request: ClipRequest): Promise<void> {
    const base: ClipReport = {
      clipId: request.clipId,
      at: request.at,
      pre: request.pre,
      post: request.post,
      ...(request.eventId !== undefined ? { eventId: request.eventId } : {}),
      ...(request.projectId ? { projectId: request.projectId } : {}),
    };
    const fields = { clipId: request.clipId, ...(request.projectId ? { projectId: request.projectId } : {}) };
    let report: ClipReport;
    let file: Awaited<ReturnType<ClipRecorders["clip"]>> | undefined;
    try {
      const uri = this.resolveSource(request);
      file = await this.recorders.clip(uri, request.clipId, request);
      report = { ...base, durationMs: file.durationMs };
    } catch (err) {
      const e = err instanceof EdgelensError ? err : new EdgelensError("INTERNAL", describeError(err));
      this.log.warn(`clip ${request.clipId} not made: ${e.message}`, { code: e.code, ...fields });
      report = { ...base, error: { code: e.code, message: e.message.slice(0, 2048) } };
    }
    try {
      await this.sender.send(report, file?.path);
      if (file) this.log.info(`clip ${request.clipId} sent (${file.size} bytes, ${file.durationMs} ms)`, fields);
    } catch (err) {
      this.log.warn(`clip ${request.clipId}: ${describeError(err)}`, { code: "ACTION_FAILED", ...fields });
    } finally {
      if (file) await this.recorders.discard(file);
    }
  }

  private resolveSource(request: ClipRequest): string {
    if (request.source) return request.source;
    if (request.projectId) {
      const uri = this.sourceOf(request.projectId);
      if (!uri) throw new EdgelensError("NOT_FOUND", `project ${request.projectId} does not run on this device: no source to clip`, { projectId: request.projectId });
      return uri;
    }
    const all = this.recorders.uris();
    if (all.length === 1 && all[0]) return all[0];
    throw new EdgelensError("NOT_FOUND", all.length === 0 ? "the device records no source" : "the clip names no project or source and the device records several", {});
  }
}
