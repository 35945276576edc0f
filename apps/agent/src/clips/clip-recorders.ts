import { mkdir, rm, statfs } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import { cameraNameOf } from "@edgelens/shared/schemas";
import type { CameraTaps } from "../cameras/camera-hub";
import { redactSourceUri } from "../sources/source-uri";
import { ClipRecorder, type ClipFile, type ClipWindow } from "./clip-recorder";

export interface ClipRecordersOptions {
  ffmpegPath: string;
  /** Where rings and clips live (the data dir's `clips/`). */
  dir: string;
  seconds: number;
  fps: number;
  /** Clips being recorded or assembled at once on the device; more are refused (RATE_LIMITED). */
  maxPending: number;
  /** Free space the disk must keep: below it rings do not start and clips are refused (TOO_LARGE). */
  minFreeBytes: number;
  /** A clip file larger than this is refused (TOO_LARGE). */
  maxClipBytes: number;
  codec?: "auto" | "copy" | "encode";
  waitSlackMs?: number;
  onError?: (err: EdgelensError) => void;
  /** Free bytes of the folder's disk (tests make the disk look full). */
  freeBytes?: (dir: string) => Promise<number>;
  /** The device's named cameras: a source `camera://<name>` is recorded from its camera. */
  cameras?: CameraTaps;
}

interface RecorderEntry {
  recorder: ClipRecorder;
  users: number;
  /** For `camera://<name>`: the camera's URI the recording was started on. */
  cameraUri?: string;
}

async function diskFree(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * The device's clip recorders keyed by source URI (one per source that running projects read;
 * `start` and `release` count users) and the device-wide bounds on clips.
 */
export class ClipRecorders {
  private readonly recorders = new Map<string, RecorderEntry>();
  private pending = 0;

  constructor(private readonly options: ClipRecordersOptions) {}

  has(uri: string): boolean {
    return this.recorders.has(uri);
  }

  /** Milliseconds of video kept for `uri` (0 when it is not recorded). */
  keptMs(uri: string): number {
    return this.recorders.get(uri)?.recorder.keptMs() ?? 0;
  }

  /** Each recorded source (redacted), the video it holds and how many projects read it: for /healthz. */
  describe(): { source: string; codec: "copy" | "encode" | null; input: ClipRecorder["input"]; keptMs: number; droppedFrames: number; users: number }[] {
    return [...this.recorders.entries()].map(([uri, e]) => ({
      source: redactSourceUri(uri),
      codec: e.recorder.codec,
      input: e.recorder.input,
      keptMs: e.recorder.keptMs(),
      droppedFrames: e.recorder.droppedFrames(),
      users: e.users,
    }));
  }

  /** The recorded source URIs, as given (with credentials: never for logs). */
  uris(): string[] {
    return [...this.recorders.keys()];
  }

  /** The recorded sources, safe for logs and errors. */
  sources(): string[] {
    return [...this.recorders.keys()].map(redactSourceUri);
  }

  /** Starts recording `uri` (once however many projects read it). */
  async start(uri: string): Promise<void> {
    const existing = this.recorders.get(uri);
    if (existing) {
      existing.users += 1;
      return;
    }
    // Clips a previous run (killed mid-upload) left behind: nothing refers to them any more.
    if (this.recorders.size === 0 && this.pending === 0) await rm(join(this.options.dir, "out"), { recursive: true, force: true });
    await mkdir(this.options.dir, { recursive: true });
    await this.checkDisk(uri);
    const entry = this.makeEntry(uri, 1);
    this.recorders.set(uri, entry);
    try {
      await entry.recorder.start();
    } catch (err) {
      this.recorders.delete(uri);
      await entry.recorder.stop();
      throw err;
    }
  }

  /**
   * A camera's URI changed (or the camera went, or came back): its recording starts again on the
   * camera as it is now. A recording fed the camera's frames would follow by itself, but one
   * copying the stream reads the old URI, and the new camera may want the other way. Callers run
   * one at a time (RecordingHost queues it with its other changes).
   */
  async refreshCameras(): Promise<void> {
    for (const [uri, entry] of [...this.recorders]) {
      const name = cameraNameOf(uri);
      if (name === null || this.options.cameras?.uriOf(name) === entry.cameraUri) continue;
      await entry.recorder.stop();
      if (this.recorders.get(uri) !== entry) continue;
      if (this.options.cameras?.uriOf(name) === undefined) {
        // The camera is gone: the stopped recording answers clips with NOT_FOUND until it is back.
        delete entry.cameraUri;
        continue;
      }
      const next = this.makeEntry(uri, entry.users);
      this.recorders.set(uri, next);
      await next.recorder.start().catch((err: unknown) => this.options.onError?.(err instanceof EdgelensError ? err : new EdgelensError("SOURCE_FAILED", String(err), { source: uri })));
    }
  }

  /** A recorder of `uri`, not started; for `camera://<name>`, on the camera as it is now. */
  private makeEntry(uri: string, users: number): RecorderEntry {
    const key = createHash("sha256").update(uri).digest("hex").slice(0, 16);
    const name = cameraNameOf(uri);
    const cameras = this.options.cameras;
    const cameraUri = name === null ? undefined : cameras?.uriOf(name);
    if (name !== null && cameraUri === undefined) {
      throw new EdgelensError("CAMERA_NOT_FOUND", `camera "${name}" is not defined on this device: nothing to record`, { camera: name });
    }
    const recorder = new ClipRecorder({
      uri,
      ...(name !== null && cameras && cameraUri !== undefined ? { camera: { uri: cameraUri, tap: (fps: number) => cameras.tap(name, fps) } } : {}),
      ffmpegPath: this.options.ffmpegPath,
      dir: join(this.options.dir, key),
      seconds: this.options.seconds,
      fps: this.options.fps,
      ...(this.options.codec ? { codec: this.options.codec } : {}),
      ...(this.options.waitSlackMs !== undefined ? { waitSlackMs: this.options.waitSlackMs } : {}),
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    return { recorder, users, ...(cameraUri !== undefined ? { cameraUri } : {}) };
  }

  /** One user of `uri` is gone; the last one stops its recording. */
  async release(uri: string): Promise<void> {
    const entry = this.recorders.get(uri);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.recorders.delete(uri);
    await entry.recorder.stop();
  }

  async stopAll(): Promise<void> {
    const all = [...this.recorders.values()];
    this.recorders.clear();
    await Promise.all(all.map((e) => e.recorder.stop()));
  }

  /**
   * The clip `clipId` of `uri` as an MP4 under the clips folder; the caller removes it with
   * `discard` once sent. Refused: unknown source (NOT_FOUND), too many at once (RATE_LIMITED),
   * disk short or clip too large (TOO_LARGE).
   */
  async clip(uri: string, clipId: string, window: ClipWindow): Promise<ClipFile> {
    const source = redactSourceUri(uri);
    const entry = this.recorders.get(uri);
    if (!entry) {
      const known = this.sources();
      throw new EdgelensError("NOT_FOUND", `the device records no source ${source} (it records ${known.length > 0 ? known.join(", ") : "none"})`, { source });
    }
    if (this.pending >= this.options.maxPending) {
      throw new EdgelensError("RATE_LIMITED", `${this.options.maxPending} clips are already being made on this device; clip ${clipId} refused`, { source, clipId });
    }
    this.pending += 1;
    try {
      await this.checkDisk(uri);
      const out = join(this.options.dir, "out", `${clipId}-${Date.now()}.mp4`);
      await mkdir(join(this.options.dir, "out"), { recursive: true });
      const file = await entry.recorder.clip(window, out);
      if (file.size > this.options.maxClipBytes) {
        await this.discard(file);
        throw new EdgelensError("TOO_LARGE", `clip ${clipId} is ${file.size} bytes, over the ${this.options.maxClipBytes} a clip may be (clips.maxClipBytes)`, { source, clipId });
      }
      return file;
    } finally {
      this.pending -= 1;
    }
  }

  async discard(file: ClipFile): Promise<void> {
    await rm(file.path, { force: true });
  }

  private async checkDisk(uri: string): Promise<void> {
    const free = await (this.options.freeBytes ?? diskFree)(this.options.dir);
    if (free < this.options.minFreeBytes) {
      const mib = (n: number) => `${Math.floor(n / 1048576)} MiB`;
      throw new EdgelensError("TOO_LARGE", `disk short: ${mib(free)} free, clips need at least ${mib(this.options.minFreeBytes)} (clips.minFreeBytes)`, {
        source: redactSourceUri(uri),
        freeBytes: free,
      });
    }
  }
}
