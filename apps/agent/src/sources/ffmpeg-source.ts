import { EdgelensError } from "@edgelens/shared/errors";
import { ffmpegCommand, ffmpegInputArgs } from "./ffmpeg-args";
import { FfmpegRun, lastLogLine } from "./ffmpeg-run";
import type { SourceOptions } from "./frame-source";
import { RestartingSource, type DeliverFrame, type RunOutcome } from "./restarting-source";
import { redactSourceUri, type SourceSpec } from "./source-uri";

const DEFAULT_STALL_MS = 15_000;
const WATCHDOG_TICK_MS = 1000;

type StreamSpec = Exclude<SourceSpec, { kind: "dir" }>;

function describeSpec(spec: StreamSpec): string {
  switch (spec.kind) {
    case "file":
      return `file ${spec.path}${spec.loop ? " (loop)" : ""}`;
    case "rtsp":
    case "http":
      return redactSourceUri(spec.url);
    case "v4l2":
      return `camera ${spec.device}`;
    case "testsrc":
      return `test pattern ${spec.pattern}`;
  }
}

/** A file, network stream, camera or test pattern decoded by one ffmpeg process per run. */
export class FfmpegSource extends RestartingSource {
  private current: FfmpegRun | undefined;

  constructor(
    private readonly spec: StreamSpec,
    options: SourceOptions = {},
  ) {
    super(spec.kind, describeSpec(spec), options);
  }

  /** The ffmpeg arguments of a run (exposed for logs and tests). */
  get ffmpegArgs(): string[] {
    return ffmpegCommand(ffmpegInputArgs(this.spec, this.options, this.options.realtime ?? true), this.options);
  }

  private get finite(): boolean {
    return this.spec.kind === "file" && !this.spec.loop;
  }

  protected interrupt(): void {
    this.current?.kill("stopped");
  }

  protected async runOnce(deliver: DeliverFrame): Promise<RunOutcome> {
    const { width, height } = this.options;
    const run = new FfmpegRun({
      ffmpegPath: this.options.ffmpegPath ?? "/usr/bin/ffmpeg",
      args: this.ffmpegArgs,
      ...(width && height ? { size: { width, height } } : {}),
      ...(this.options.framePool ? { framePool: this.options.framePool } : {}),
      onFrame: deliver,
    });
    this.current = run;
    const stallMs = this.options.stallTimeoutMs ?? DEFAULT_STALL_MS;
    // Files end on their own; only live inputs can hang silently (a camera unplugged, a dead link).
    const watchdog = this.finite
      ? undefined
      : setInterval(() => {
          if (!run.busy && Date.now() - run.lastActivity > stallMs) run.kill(`no frame for ${stallMs} ms`, "SIGKILL");
        }, Math.min(WATCHDOG_TICK_MS, stallMs));
    let result;
    try {
      result = await run.result;
    } finally {
      clearInterval(watchdog);
      this.current = undefined;
    }
    if (this.stopped) return { frames: result.frames, finished: true };
    if (this.finite && result.code === 0 && !result.reason) return { frames: result.frames, finished: true };
    const why = result.reason ?? (result.code === 0 ? "the stream ended" : `ffmpeg exited with ${result.code ?? result.signal}`);
    const detail = lastLogLine(result.stderrTail);
    throw new EdgelensError("SOURCE_FAILED", `${this.description}: ${why}${detail ? `: ${detail}` : ""}`, {
      source: this.description,
      exitCode: result.code,
      frames: result.frames,
      ffmpegLog: result.stderrTail,
    });
  }
}
