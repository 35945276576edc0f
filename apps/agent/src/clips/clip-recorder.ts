import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { randomBytes } from "node:crypto";
import { EdgelensError } from "@edgelens/shared/errors";
import type { CameraTap } from "../cameras/camera-hub";
import { parseSourceUri, redactSourceUri, type SourceSpec } from "../sources/source-uri";
import { assembleClip, probeRingCodec } from "./clip-assembler";
import { ClipRing, type ClipSegment } from "./clip-ring";

export interface ClipRecorderOptions {
  uri: string;
  ffmpegPath: string;
  /** ffprobe, to tell whether the source already delivers H.264 (default: beside ffmpeg). */
  ffprobePath?: string;
  /** The recorder's folder: its ring and the clips being assembled. */
  dir: string;
  /** Seconds of video kept before any moment (the most `pre` can be). */
  seconds: number;
  fps: number;
  /** `auto` probes the source: H.264 is copied, anything else encoded. */
  codec?: "auto" | "copy" | "encode";
  segmentSeconds?: number;
  /** How long past `at + post` a clip waits for the piece that covers its end. */
  waitSlackMs?: number;
  onError?: (err: EdgelensError) => void;
  /**
   * `uri` is `camera://<name>`: the camera's URI now, and a tap on its decoded frames. An H.264
   * camera that can be opened again is copied from its stream; any other (V4L2, not H.264, an
   * image folder) is encoded from the frames its one decoder already makes.
   */
  camera?: { uri: string; tap(fps: number): CameraTap };
}

/** A clip asked for: `pre` s before `at` (ms epoch) to `post` s after it. */
export interface ClipWindow {
  at: number;
  pre: number;
  post: number;
}

export interface ClipFile {
  path: string;
  size: number;
  durationMs: number;
}

/**
 * Keeps the last seconds of one source (a ClipRing) and cuts clips out of it. One per source:
 * the daemon keys them by source URI (clip-recorders.ts); a camera can own one.
 */
export class ClipRecorder {
  private ring: ClipRing | undefined;
  private readonly source: string;
  /** How the ring keeps the video, once started: copied (the source is H.264) or encoded. */
  codec: "copy" | "encode" | null = null;
  /** What the ring reads, once started: the source itself, or the frames its camera decodes. */
  input: "source" | "camera-frames" | null = null;

  constructor(private readonly options: ClipRecorderOptions) {
    this.source = redactSourceUri(options.uri);
  }

  get uri(): string {
    return this.options.uri;
  }

  /** Frames the encoder could not take in time (fed a camera's frames); 0 otherwise. */
  droppedFrames(): number {
    return this.ring?.droppedFrames ?? 0;
  }

  /** Milliseconds of video the ring holds now. */
  keptMs(): number {
    return (this.ring?.list() ?? []).reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
  }

  async start(): Promise<void> {
    if (this.ring) return;
    const camera = this.options.camera;
    const spec = parseSourceUri(camera?.uri ?? this.options.uri);
    if (spec.kind === "dir" && !camera) throw new EdgelensError("SOURCE_FAILED", `${this.source}: an image folder is not recorded as video`, { source: this.source });
    if (spec.kind === "v4l2" && !camera) {
      throw new EdgelensError(
        "SOURCE_FAILED",
        `${this.source}: a V4L2 device opens once, and the project has it open; to record clips of it, add it as a camera (edgelens device camera add <device> <name> ${spec.device}) and read camera://<name>`,
        { source: this.source },
      );
    }
    const codec = await this.chooseCodec(spec);
    this.codec = codec;
    // A camera's ring copies its stream when it is H.264 (no re-encoding), else encodes its frames.
    const tap = camera && codec === "encode" ? camera.tap(this.options.fps) : undefined;
    this.input = tap ? "camera-frames" : "source";
    this.ring = new ClipRing({
      uri: camera && !tap ? camera.uri : this.options.uri,
      ...(tap ? { tap } : {}),
      ffmpegPath: this.options.ffmpegPath,
      dir: join(this.options.dir, "ring"),
      seconds: this.options.seconds,
      fps: this.options.fps,
      codec,
      ...(this.options.segmentSeconds ? { segmentSeconds: this.options.segmentSeconds } : {}),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    await this.ring.start();
  }

  private async chooseCodec(spec: SourceSpec): Promise<"copy" | "encode"> {
    const codec = this.options.codec ?? "auto";
    if (codec !== "auto") return codec;
    const input = spec.kind === "file" ? spec.path : spec.kind === "rtsp" || spec.kind === "http" ? spec.url : undefined;
    if (!input) return "encode";
    const ffprobe = this.options.ffprobePath ?? join(this.options.ffmpegPath, "..", basename(this.options.ffmpegPath).replace("ffmpeg", "ffprobe"));
    // Over TCP as the decoder and the ring read it: a camera behind NAT or a firewall may not answer RTP over UDP.
    const onFallback = (reason: string) =>
      this.options.onError?.(new EdgelensError("SOURCE_FAILED", `${this.source}: codec probe failed, the clip ring re-encodes: ${reason}`, { source: this.source }));
    const probe = { inputOptions: spec.kind === "rtsp" ? ["-rtsp_transport", "tcp"] : [], timeoutMs: spec.kind === "file" ? 60_000 : 10_000, onFallback };
    return probeRingCodec(ffprobe, input, probe);
  }

  async stop(): Promise<void> {
    const ring = this.ring;
    this.ring = undefined;
    await ring?.stop();
    await rm(this.options.dir, { recursive: true, force: true });
  }

  /**
   * Copies the pieces that cover the window as they are finished (the ring reuses their names
   * soon), then joins them into `out`. Resolves once the window's end is recorded.
   */
  async clip(window: ClipWindow, out: string): Promise<ClipFile> {
    const ring = this.ring;
    if (!ring) throw new EdgelensError("NOT_FOUND", `no clip recording of ${this.source}`, { source: this.source });
    if (window.pre > ring.seconds) {
      throw new EdgelensError("INVALID_PAYLOAD", `pre ${window.pre} s is more than the ${ring.seconds} s the device keeps (clips.seconds)`, { source: this.source });
    }
    const from = window.at - window.pre * 1000;
    const to = window.at + window.post * 1000;
    const oldest = ring.list()[0];
    if (to < Date.now() - ring.seconds * 1000 || (oldest && to <= oldest.startMs)) {
      throw new EdgelensError("NOT_FOUND", `the moment ${new Date(window.at).toISOString()} is no longer in the last ${ring.seconds} s the device keeps`, { source: this.source });
    }
    const work = join(this.options.dir, `clip-${randomBytes(6).toString("hex")}`);
    await mkdir(work, { recursive: true });
    try {
      const pieces = await this.collect(ring, from, to, work);
      if (pieces.length === 0) {
        throw new EdgelensError("NOT_FOUND", `no video of ${this.source} from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}: its recording started after that`, { source: this.source });
      }
      await assembleClip(this.options.ffmpegPath, pieces.map((p) => p.path), work, out);
      const size = (await stat(out)).size;
      const durationMs = pieces.reduce((sum, p) => sum + (p.endMs - p.startMs), 0);
      return { path: out, size, durationMs };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private collect(ring: ClipRing, from: number, to: number, work: string): Promise<ClipSegment[]> {
    const copies: Promise<ClipSegment>[] = [];
    const take = (s: ClipSegment) => {
      const dest = join(work, `${String(copies.length).padStart(5, "0")}.ts`);
      copies.push(copyFile(s.path, dest).then(() => ({ ...s, path: dest })));
    };
    for (const s of ring.list()) if (s.endMs > from && s.startMs < to) take(s);
    const last = ring.list().at(-1);
    if (last && last.endMs >= to) return Promise.all(copies);
    return new Promise<ClipSegment[]>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        ring.off("segment", onSegment);
        Promise.all(copies).then(resolve, reject);
      };
      const onSegment = (s: ClipSegment) => {
        if (s.startMs < to) take(s);
        if (s.endMs >= to) finish();
      };
      const wait = Math.max(0, to - Date.now()) + (this.options.waitSlackMs ?? 15_000);
      const timer = setTimeout(() => {
        ring.off("segment", onSegment);
        if (copies.length > 0) {
          // The source stalled after the event: what was recorded is still worth sending.
          Promise.all(copies).then(resolve, reject);
          return;
        }
        reject(new EdgelensError("SOURCE_FAILED", `${this.source} delivered no video for the clip within ${wait} ms`, { source: this.source }));
      }, wait);
      timer.unref();
      ring.on("segment", onSegment);
    });
  }
}
