import { readFile } from "node:fs/promises";
import { EdgelensError } from "@edgelens/shared/errors";
import { CLIP_REPORT_HEADER, type ClipReport } from "@edgelens/shared/schemas";

export interface ClipUploaderCredentials {
  deviceId: string;
  secret: string;
  consoleUrl: string;
}

/** Where a device sends clips, relative to its console (docs/design.md "HTTP endpoints"). */
export const CLIP_UPLOAD_PATH = "/api/device/clips";

/**
 * Sends a clip (or why there is none) to the console: `POST /api/device/clips` with the device's
 * bearer, the report as a JSON header and the MP4 as the body.
 */
export class ClipUploader {
  constructor(
    private readonly creds: ClipUploaderCredentials,
    private readonly timeoutMs = 60_000,
  ) {}

  async send(report: ClipReport, mp4Path?: string): Promise<void> {
    const body = mp4Path ? await readFile(mp4Path) : undefined;
    const url = new URL(CLIP_UPLOAD_PATH, this.creds.consoleUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.creds.deviceId}:${this.creds.secret}`,
          [CLIP_REPORT_HEADER]: JSON.stringify(report),
          // The console's API takes raw files as octet-stream only (its CSRF guard refuses other types).
          "content-type": "application/octet-stream",
        },
        ...(body ? { body } : {}),
        // The bearer carries the secret: never to wherever a redirect points.
        redirect: "error",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new EdgelensError("ACTION_FAILED", `clip ${report.clipId} not sent to ${url.origin}: ${(err as Error).message}`, { deviceId: this.creds.deviceId, clipId: report.clipId }, { cause: err });
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => "")).slice(0, 300);
      throw new EdgelensError("ACTION_FAILED", `clip ${report.clipId} refused by the console (HTTP ${res.status}): ${text}`, { deviceId: this.creds.deviceId, clipId: report.clipId });
    }
    await res.body?.cancel();
  }
}
