import type { ServerResponse } from "node:http";
import type { StreamName } from "@edgelens/shared/schemas";
import type { FrameTap } from "./frame-tap";

export const MJPEG_BOUNDARY = "edgelensframe";

export interface MjpegOptions {
  maxFps: number;
  /** Told about an encode failure once per client, not once per frame. */
  onError: (err: unknown) => void;
}

/**
 * Serves one `multipart/x-mixed-replace` response: a JPEG part whenever the tap has a newer
 * frame, at most `maxFps`, skipping frames while the client reads slower than that (a slow
 * viewer must never slow the pipeline or grow memory).
 */
export function serveMjpeg(res: ServerResponse, tap: FrameTap, stream: StreamName, options: MjpegOptions): void {
  res.writeHead(200, {
    "content-type": `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
    "cache-control": "no-store, no-cache, must-revalidate",
    pragma: "no-cache",
    connection: "close",
  });
  let lastSeq = -1;
  let busy = false;
  let waitingDrain = false;
  let reported = false;
  const tick = async (): Promise<void> => {
    if (busy || waitingDrain || res.destroyed) return;
    busy = true;
    try {
      const frame = await tap.latest(stream);
      if (!frame || frame.seq === lastSeq || res.destroyed) return;
      lastSeq = frame.seq;
      const head = `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${frame.jpeg.length}\r\nX-Timestamp: ${frame.ts}\r\n\r\n`;
      res.write(head);
      res.write(frame.jpeg);
      if (!res.write("\r\n")) {
        waitingDrain = true;
        res.once("drain", () => (waitingDrain = false));
      }
    } catch (err) {
      if (!reported) options.onError(err);
      reported = true;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.max(1, Math.round(1000 / options.maxFps)));
  void tick();
  res.on("close", () => clearInterval(timer));
}
