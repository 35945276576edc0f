import { spawn } from "node:child_process";
import { FrameAssembler } from "./frame-assembler";
import type { FramePool } from "./frame-pool";
import { parseOutputSize } from "./ffmpeg-args";

export interface FfmpegRunOptions {
  ffmpegPath: string;
  args: string[];
  /** The output size when the command fixes it; otherwise it is read from ffmpeg's report. */
  size?: { width: number; height: number };
  /** Where frame memory comes from (default: a new buffer per frame). */
  framePool?: FramePool;
  /** Receives each frame; while its promise is pending ffmpeg is not read (backpressure). */
  onFrame(data: Uint8Array, width: number, height: number): void | Promise<void>;
}

export interface FfmpegRunResult {
  frames: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of ffmpeg's log: what to show when it failed. */
  stderrTail: string;
  /** Why the run could not start or was killed (spawn error, stall, stop). */
  reason?: string;
}

const STDERR_HEAD = 64 * 1024;
const STDERR_TAIL = 2048;
const KILL_GRACE_MS = 2000;
// Why 2: ffmpeg decodes the next frames while the consumer works on this one (a pipe holds only
// 64 KiB, less than one frame), without letting a slow consumer pile frames up in memory.
const PREFETCH_FRAMES = 2;

/**
 * Hands frames to the consumer one at a time and in order, while letting the reader run up to
 * `depth` frames ahead of it. A consumer failure surfaces from push() or drain().
 */
class OrderedDelivery {
  private tail: Promise<void> = Promise.resolve();
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly depth: number,
    private readonly consume: (frame: Uint8Array) => void | Promise<void>,
  ) {}

  get busy(): boolean {
    return this.pending.length > 0;
  }

  async push(frame: Uint8Array): Promise<void> {
    const delivered = this.tail.then(() => this.consume(frame));
    this.tail = delivered;
    this.pending.push(delivered);
    const settle = () => void this.pending.splice(this.pending.indexOf(delivered), 1);
    delivered.then(settle, settle);
    if (this.pending.length > this.depth) await this.pending[0];
  }

  drain(): Promise<void> {
    return this.tail;
  }
}

/** One ffmpeg process delivering raw RGB frames. A consumer error rejects `result`. */
export class FfmpegRun {
  readonly result: Promise<FfmpegRunResult>;
  lastActivity = Date.now();
  private readonly child;
  private delivery: OrderedDelivery | undefined;
  private reason: string | undefined;

  constructor(options: FfmpegRunOptions) {
    this.child = spawn(options.ffmpegPath, options.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.result = this.pump(options);
  }

  /** True while the consumer holds frames; a stall watchdog must not count that time. */
  get busy(): boolean {
    return this.delivery?.busy ?? false;
  }

  /** Ends the process: SIGTERM, then SIGKILL if it lingers. */
  kill(reason: string, signal: NodeJS.Signals = "SIGTERM"): void {
    this.reason ??= reason;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    if (signal !== "SIGKILL") setTimeout(() => this.child.kill("SIGKILL"), KILL_GRACE_MS).unref();
  }

  private async pump(options: FfmpegRunOptions): Promise<FfmpegRunResult> {
    const child = this.child;
    let stderr = "";
    let size = options.size;
    let announceSize: (() => void) | undefined;
    const sizeKnown = new Promise<void>((resolve) => (announceSize = resolve));
    if (size) announceSize?.();
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr = stderr.length < STDERR_HEAD ? stderr + text : (stderr + text).slice(-STDERR_TAIL);
      if (!size) {
        size = parseOutputSize(stderr);
        if (size) announceSize?.();
      }
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on("error", (error) => {
        this.reason ??= `cannot run ${options.ffmpegPath}: ${error.message}`;
        resolve({ code: null, signal: null });
      });
      child.on("close", (code, signal) => resolve({ code, signal }));
    });
    void closed.then(() => announceSize?.());

    let frames = 0;
    let assembler: FrameAssembler | undefined;
    let width = 0;
    let height = 0;
    const delivery = new OrderedDelivery(PREFETCH_FRAMES, (frame: Uint8Array) => options.onFrame(frame, width, height));
    this.delivery = delivery;
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        this.lastActivity = Date.now();
        if (!assembler) {
          await sizeKnown;
          if (!size) break;
          ({ width, height } = size);
          assembler = new FrameAssembler(width * height * 3, options.framePool);
        }
        for (const frame of assembler.push(chunk)) {
          frames += 1;
          await delivery.push(frame);
        }
      }
      await delivery.drain();
    } catch (error) {
      this.kill("the frame consumer failed", "SIGKILL");
      await closed;
      throw error;
    } finally {
      this.lastActivity = Date.now();
    }
    const { code, signal } = await closed;
    const tail = stderr.slice(-STDERR_TAIL).trim();
    const result: FfmpegRunResult = { frames, code, signal, stderrTail: tail };
    if (this.reason) result.reason = this.reason;
    else if (!size && code === 0) result.reason = "ffmpeg produced no video stream";
    return result;
  }
}

/** The last meaningful line of ffmpeg's log, for one-line error messages. */
export function lastLogLine(stderrTail: string): string {
  const lines = stderrTail.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("frame="));
  return lines.at(-1) ?? "";
}
