import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { EdgelensError } from "@edgelens/shared/errors";
import { ffmpegInputArgs } from "../sources/ffmpeg-args";
import { restartDelay } from "../sources/restarting-source";
import { parseSourceUri, redactSourceUri } from "../sources/source-uri";
import type { CameraTap } from "../cameras/camera-hub";
import { FramePipe } from "./frame-pipe";
import { SegmentClock } from "./segment-clock";

/** One finished piece of the ring: its file and the wall-clock time it covers. */
export interface ClipSegment {
  path: string;
  startMs: number;
  endMs: number;
}

export interface ClipRingOptions {
  uri: string;
  ffmpegPath: string;
  /** The ring's own folder (emptied at start). */
  dir: string;
  /** Seconds of video kept. */
  seconds: number;
  /** Frame rate of the encode path. */
  fps: number;
  /** `copy` when the source already delivers H.264 (no re-encoding), else `encode` (libx264 ultrafast). */
  codec: "copy" | "encode";
  segmentSeconds?: number;
  backoff?: { baseMs: number; maxMs: number };
  onError?: (err: EdgelensError) => void;
  /**
   * Encode a camera's decoded frames (written to ffmpeg's stdin) instead of opening `uri`: a
   * V4L2 device opens once, and a camera that is not H.264 is not decoded a second time.
   */
  tap?: CameraTap;
}

const STDERR_TAIL = 2048;
/**
 * Runs ffmpeg ("$0" "$@") under a watchdog that stops it when its stdin pipe closes: the agent
 * stopping it, or dying (kill -9). Unlike the frame sources' ffmpeg, whose stdout write fails when
 * the agent is gone, the ring writes files and ignores a broken list pipe, so it would run on.
 */
const WATCHDOG = 'exec 3<&0 </dev/null; "$0" "$@" & pid=$!; (cat <&3 >/dev/null; kill $pid 2>/dev/null) & wait $pid';
// Why 3: a segment that just left the ring may still be being copied by a clip; ffmpeg reopens a
// name only after `wrap` more segments, so this many spare names is the copy's time.
const SPARE_SEGMENTS = 3;

/**
 * The last `seconds` of one source as encoded video on disk: ffmpeg's segment muxer writes short
 * MPEG-TS pieces under names it reuses (`-segment_wrap`), so the folder never holds more than the
 * ring, and reports each finished piece on stdout (`-segment_list pipe:1`). Wall-clock times come
 * from the pieces' stream times placed by when they are reported (SegmentClock): sources are paced
 * in real time, and a report that comes late does not move its piece.
 */
export class ClipRing extends EventEmitter<{ segment: [ClipSegment] }> {
  private readonly segments: ClipSegment[] = [];
  private child: ChildProcess | undefined;
  private stopped = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly segmentSeconds: number;
  private pipe: FramePipe | undefined;
  /** An encoder ended on purpose (the frame size changed): its exit starts the next at once. */
  private replacing: ChildProcess | undefined;

  constructor(private readonly options: ClipRingOptions) {
    super();
    this.segmentSeconds = options.segmentSeconds ?? 1;
  }

  get uri(): string {
    return this.options.uri;
  }

  get seconds(): number {
    return this.options.seconds;
  }

  /** The finished pieces still kept, oldest first. */
  list(): readonly ClipSegment[] {
    return this.segments;
  }

  async start(): Promise<void> {
    await rm(this.options.dir, { recursive: true, force: true });
    await mkdir(this.options.dir, { recursive: true });
    if (this.options.tap) {
      // The encoder starts on the first frame: its input size is the frame's.
      this.pipe = new FramePipe(this.options.tap, () => this.restartForSize());
      this.pipe.start();
      return;
    }
    this.run();
  }

  /** Frames the encoder could not take (it was behind or restarting); 0 when not fed frames. */
  get droppedFrames(): number {
    return this.pipe?.dropped ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pipe?.stop();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
      // Closing stdin makes the watchdog SIGTERM ffmpeg, which finishes its piece and exits.
      child.stdin?.end();
      const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(kill);
    }
    await rm(this.options.dir, { recursive: true, force: true });
  }

  private restartForSize(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      // At the end of its input ffmpeg finishes its piece and exits; `close` starts the next.
      this.replacing = child;
      child.stdin?.end();
      return;
    }
    clearTimeout(this.timer);
    this.run();
  }

  private inputArgs(): string[] {
    const size = this.pipe?.frameSize;
    if (size) {
      // Frames arrive as the camera delivers them: their times are when they arrive.
      return ["-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", `${size.width}x${size.height}`, "-framerate", String(this.options.fps), "-use_wallclock_as_timestamps", "1", "-i", "pipe:0"];
    }
    const spec = parseSourceUri(this.options.uri);
    if (spec.kind === "dir") throw new EdgelensError("SOURCE_FAILED", `${redactSourceUri(this.options.uri)}: an image folder is not recorded as video`, { source: redactSourceUri(this.options.uri) });
    return ffmpegInputArgs(spec, {}, true);
  }

  private args(): string[] {
    const seg = this.segmentSeconds;
    const wrap = Math.ceil(this.options.seconds / seg) + SPARE_SEGMENTS;
    const codec =
      this.options.codec === "copy" && !this.pipe
        ? ["-c:v", "copy"]
        : // Even sides: yuv420p (what browsers play) halves them, and libx264 refuses odd ones.
          // A keyframe at every piece boundary, so that pieces cut exactly and each one plays on its own.
          ["-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-r", String(this.options.fps), "-force_key_frames", `expr:gte(t,n_forced*${seg})`];
    return [
      "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
      ...this.inputArgs(),
      "-an", "-sn", "-dn", ...codec,
      "-f", "segment", "-segment_time", String(seg), "-segment_format", "mpegts", "-segment_wrap", String(wrap),
      "-segment_list", "pipe:1", "-segment_list_type", "csv",
      join(this.options.dir, "seg-%05d.ts"),
    ];
  }

  private run(): void {
    if (this.stopped || (this.pipe && !this.pipe.frameSize)) return;
    let args: string[];
    try {
      args = this.args();
    } catch (err) {
      this.options.onError?.(err as EdgelensError);
      return;
    }
    // Fed frames, ffmpeg reads its stdin: the agent gone, the pipe ends and so does ffmpeg.
    const child = this.pipe
      ? spawn(this.options.ffmpegPath, args, { stdio: ["pipe", "pipe", "pipe"] })
      : spawn("/bin/sh", ["-c", WATCHDOG, this.options.ffmpegPath, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => undefined);
    this.child = child;
    this.pipe?.attach(child.stdin);
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // Each run's stream time starts again: its own clock.
    const clock = new SegmentClock();
    createInterface({ input: child.stdout }).on("line", (line) => this.onListLine(line, clock));
    child.once("error", (err) => {
      stderr += String(err.message);
    });
    child.once("close", (code) => {
      if (this.child === child) this.pipe?.attach(null);
      if (this.stopped) return;
      if (this.replacing === child) {
        this.replacing = undefined;
        this.run();
        return;
      }
      this.restarts += 1;
      const delay = restartDelay(this.restarts, this.options.backoff);
      const source = redactSourceUri(this.options.uri);
      this.options.onError?.(
        new EdgelensError("SOURCE_FAILED", `clip ring of ${source}: ffmpeg exited (${code ?? "signal"}): ${stderr.trim().split("\n").pop() ?? ""}; again in ${delay} ms`, { source }),
      );
      this.timer = setTimeout(() => this.run(), delay);
      this.timer.unref();
    });
  }

  /** `seg-00012.ts,12.000000,13.000000`: a piece is finished (its name is relative to the folder). */
  private onListLine(line: string, clock: SegmentClock): void {
    const [name, start, end] = line.trim().split(",");
    const startS = Number(start);
    const endS = Number(end);
    if (!name || !Number.isFinite(startS) || !Number.isFinite(endS) || endS <= startS) return;
    const now = Date.now();
    const segment: ClipSegment = { path: join(this.options.dir, name), ...clock.place(startS, endS, now) };
    this.restarts = 0;
    // The name comes round again after `wrap` pieces: an entry under it is stale from now on.
    const reused = this.segments.findIndex((s) => s.path === segment.path);
    if (reused >= 0) this.segments.splice(reused, 1);
    this.segments.push(segment);
    const keepAfter = now - this.options.seconds * 1000;
    while (this.segments.length > 0 && (this.segments[0]?.endMs ?? 0) <= keepAfter) this.segments.shift();
    this.emit("segment", segment);
  }
}
