import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import { ffmpegCommand, isImagePath } from "./ffmpeg-args";
import { FfmpegRun, lastLogLine } from "./ffmpeg-run";
import type { SourceOptions } from "./frame-source";
import { RestartingSource, type DeliverFrame, type RunOutcome } from "./restarting-source";

// Why 1 fps: a folder of photos is a slideshow; faster pacing only burns CPU on the same pictures.
const DEFAULT_DIR_FPS = 1;

/**
 * The images of a directory in name order, one frame each, each decoded by its own ffmpeg run so
 * pictures of different sizes keep their own size. A picture that fails to decode is reported
 * ('error') and skipped; a pass in which every picture fails is a failure of the source.
 */
export class DirectorySource extends RestartingSource {
  private current: FfmpegRun | undefined;
  private wakePacer: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly repeat: boolean,
    options: SourceOptions = {},
  ) {
    super("dir", `directory ${path}${repeat ? " (loop)" : ""}`, options);
  }

  protected interrupt(): void {
    this.current?.kill("stopped");
    this.wakePacer?.();
  }

  /** The images the next pass will show. */
  async listImages(): Promise<string[]> {
    const names = await readdir(this.path).catch((error: Error) => {
      throw new EdgelensError("SOURCE_FAILED", `${this.description}: cannot read it: ${error.message}`, { source: this.description });
    });
    const paths = names
      .filter(isImagePath)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
      .map((name) => join(this.path, name));
    // stat follows symlinks, so a folder of links to pictures works like a folder of pictures.
    const isFile = await Promise.all(paths.map((p) => stat(p).then((s) => s.isFile(), () => false)));
    return paths.filter((_, i) => isFile[i]);
  }

  protected async runOnce(deliver: DeliverFrame): Promise<RunOutcome> {
    const images = await this.listImages();
    if (images.length === 0) throw new EdgelensError("SOURCE_FAILED", `${this.description}: no images (.jpg, .png, ...) in it`, { source: this.description });
    const intervalMs = 1000 / (this.options.fps ?? DEFAULT_DIR_FPS);
    let frames = 0;
    let failed = 0;
    let next = Date.now();
    for (const image of images) {
      if (this.stopped) break;
      if (this.options.realtime ?? true) {
        await this.pace(next - Date.now());
        next = Math.max(next + intervalMs, Date.now());
        if (this.stopped) break;
      }
      const error = await this.decodeOne(image, deliver);
      if (error) {
        failed += 1;
        if (this.listenerCount("error") > 0) this.emit("error", error);
      } else {
        frames += 1;
      }
    }
    if (!this.stopped && failed === images.length) {
      throw new EdgelensError("SOURCE_FAILED", `${this.description}: none of its ${images.length} images could be decoded`, { source: this.description });
    }
    return { frames, finished: !this.repeat };
  }

  private async decodeOne(image: string, deliver: DeliverFrame): Promise<EdgelensError | undefined> {
    const { width, height } = this.options;
    // The fps filter is left out: one picture is one frame whatever the rate.
    const format = { ...(width ? { width } : {}), ...(height ? { height } : {}) };
    const run = new FfmpegRun({
      ffmpegPath: this.options.ffmpegPath ?? "/usr/bin/ffmpeg",
      args: ffmpegCommand(["-i", image], format, ["-frames:v", "1"]),
      ...(width && height ? { size: { width, height } } : {}),
      onFrame: deliver,
    });
    this.current = run;
    try {
      const result = await run.result;
      if (this.stopped || (result.code === 0 && result.frames > 0)) return undefined;
      const why = result.reason ?? `ffmpeg exited with ${result.code ?? result.signal}`;
      return new EdgelensError("SOURCE_FAILED", `cannot decode ${image}: ${why}: ${lastLogLine(result.stderrTail)}`, { source: this.description, image });
    } finally {
      this.current = undefined;
    }
  }

  private pace(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakePacer = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
