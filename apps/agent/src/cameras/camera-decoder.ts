import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import type { ReportedCamera } from "@edgelens/shared/schemas";
import type { Frame } from "@edgelens/vision/project";
import { createFrameSource, FramePool, redactSourceUri, restartDelay, type FrameSource, type SourceOptions } from "../sources/index";
import type { Logger } from "../telemetry/logger";
import type { CameraFeed } from "./camera-feed";

const FPS_WINDOW_MS = 5000;

export type DecoderOptions = Pick<SourceOptions, "backoff" | "stallTimeoutMs" | "ffmpegPath">;

/**
 * The one decoder of a camera: a single source (one ffmpeg for a stream) whose frames go to
 * every feed reading the camera. It restarts with backoff when the source fails or cannot be
 * opened at all (a file or device not there yet), and keeps the figures `shadow/reported` shows.
 */
export class CameraDecoder {
  readonly pool = new FramePool();
  private source: FrameSource | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private restarts = 0;
  private state: ReportedCamera["state"] = "starting";
  private lastError: ReportedCamera["lastError"] = null;
  private size: { width: number; height: number } | null = null;
  private readonly times: number[] = [];

  constructor(
    readonly name: string,
    readonly uri: string,
    private readonly feeds: () => Iterable<CameraFeed>,
    private readonly options: DecoderOptions,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    let source: FrameSource;
    try {
      source = createFrameSource(this.uri, { ...this.options, framePool: this.pool, realtime: true, restart: true });
    } catch (err) {
      this.fail(asError(err, this.name));
      this.retry();
      return;
    }
    this.source = source;
    source.on("error", (err) => this.fail(err));
    source.on("restart", (r) => {
      this.restarts += 1;
      // Only the first failure of a run of them is a warning (fail); a camera down for hours would flood the log.
      this.log.debug(`camera ${this.name} restarts in ${r.delayMs} ms (attempt ${r.attempt})`, { camera: this.name });
      for (const feed of this.feeds()) feed.emit("restart", r);
    });
    // A file without loop: the camera ran out of frames; it is opened again (from the start).
    source.on("end", () => {
      this.fail(new EdgelensError("SOURCE_FAILED", `camera ${this.name}: the source ended`, { camera: this.name }));
      this.source = null;
      this.retry();
    });
    source.start((frame) => this.deliver(frame));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.source?.stop();
    this.source = null;
  }

  status(readers: string[], now = Date.now()): ReportedCamera {
    this.prune(now);
    return {
      name: this.name,
      uri: redactSourceUri(this.uri),
      state: this.state,
      fps: Math.round((this.times.length / (FPS_WINDOW_MS / 1000)) * 10) / 10,
      width: this.size?.width ?? null,
      height: this.size?.height ?? null,
      restarts: this.restarts,
      readers,
      lastError: this.lastError,
    };
  }

  private deliver(frame: Frame): void {
    this.attempts = 0;
    this.times.push(frame.ts);
    if (this.times.length > 1024) this.prune(frame.ts);
    this.size = { width: frame.width, height: frame.height };
    if (this.state !== "running") {
      this.state = "running";
      this.log.info(`camera ${this.name} runs (${frame.width}x${frame.height})`, { camera: this.name });
      this.onChange();
    }
    const readers = [...this.feeds()].filter((feed) => feed.wants(frame));
    // Each reader gives the frame back once; the memory is reused only when all have.
    this.pool.share(frame.data, readers.length);
    for (const feed of readers) feed.push(frame);
  }

  private fail(error: EdgelensError): void {
    const message = error.message.startsWith(`camera ${this.name}`) ? error.message : `camera ${this.name}: ${error.message}`;
    this.lastError = { code: error.code, message: message.slice(0, 4096), ts: Date.now() };
    for (const feed of this.feeds()) if (feed.listenerCount("error") > 0) feed.emit("error", error);
    if (this.state !== "failing") {
      this.log.warn(`${message} (retried with backoff until it runs)`, { code: error.code, camera: this.name });
      this.state = "failing";
      this.onChange();
    } else {
      this.log.debug(message, { code: error.code, camera: this.name });
    }
  }

  /** The source could not be made (or ended): made again after the backoff delay. */
  private retry(): void {
    if (this.stopped) return;
    this.attempts += 1;
    this.restarts += 1;
    const delayMs = restartDelay(this.attempts, this.options.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delayMs);
  }

  private prune(now: number): void {
    const from = now - FPS_WINDOW_MS;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] ?? 0) < from) drop += 1;
    this.times.splice(0, drop);
  }
}

function asError(err: unknown, camera: string): EdgelensError {
  if (isEdgelensError(err)) return new EdgelensError(err.code, `camera ${camera}: ${err.message}`, { ...err.context, camera });
  return new EdgelensError("SOURCE_FAILED", `camera ${camera}: ${String(err)}`, { camera });
}
