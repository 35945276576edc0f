import type { SourceSpec } from "./source-uri";

/** Size and rate of the frames a source delivers; unset fields keep the input's own. */
export interface FrameFormat {
  width?: number;
  height?: number;
  fps?: number;
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png|bmp|webp|tiff?|gif|pgm|ppm)$/i;

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.test(path);
}

// Why 10 s: long enough for a camera's first keyframe, short enough to notice a dead link.
const IO_TIMEOUT_US = "10000000";
const DEFAULT_TEST_SIZE = { width: 320, height: 240 };
const DEFAULT_TEST_RATE = 10;

/**
 * ffmpeg input options for a streaming source. `realtime` paces files and test patterns at their
 * own rate (a device watching a file); without it ffmpeg decodes as fast as it is read (simulator).
 */
export function ffmpegInputArgs(spec: Exclude<SourceSpec, { kind: "dir" }>, format: FrameFormat, realtime: boolean): string[] {
  switch (spec.kind) {
    case "file": {
      const pace = realtime ? ["-re"] : [];
      if (!spec.loop) return [...pace, "-i", spec.path];
      return isImagePath(spec.path) ? [...pace, "-loop", "1", "-i", spec.path] : [...pace, "-stream_loop", "-1", "-i", spec.path];
    }
    case "rtsp":
      return ["-rtsp_transport", "tcp", "-timeout", IO_TIMEOUT_US, "-fflags", "nobuffer", "-i", spec.url];
    case "http":
      return ["-rw_timeout", IO_TIMEOUT_US, "-fflags", "nobuffer", "-i", spec.url];
    case "v4l2": {
      const args = ["-f", "v4l2"];
      if (format.fps) args.push("-framerate", String(format.fps));
      if (format.width && format.height) args.push("-video_size", `${format.width}x${format.height}`);
      return [...args, "-i", spec.device];
    }
    case "testsrc": {
      const width = spec.width ?? format.width ?? DEFAULT_TEST_SIZE.width;
      const height = spec.height ?? format.height ?? DEFAULT_TEST_SIZE.height;
      const rate = spec.rate ?? format.fps ?? DEFAULT_TEST_RATE;
      // lavfi generates as fast as it is read, so pacing is what makes it behave like a camera.
      return [...(realtime ? ["-re"] : []), "-f", "lavfi", "-i", `${spec.pattern}=size=${width}x${height}:rate=${rate}`];
    }
  }
}

/** Video filters that bring decoded frames to the requested rate and size. */
export function ffmpegFilters(format: FrameFormat): string[] {
  const filters: string[] = [];
  if (format.fps) filters.push(`fps=${format.fps}`);
  if (format.width || format.height) filters.push(`scale=${format.width ?? -2}:${format.height ?? -2}`);
  return filters;
}

/** The whole ffmpeg command line: input, then raw packed RGB frames on stdout. */
export function ffmpegCommand(input: string[], format: FrameFormat, extraOutput: string[] = []): string[] {
  const filters = ffmpegFilters(format);
  return [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "info",
    ...input,
    "-an",
    "-sn",
    ...(filters.length > 0 ? ["-vf", filters.join(",")] : []),
    ...extraOutput,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "pipe:1",
  ];
}

/** Reads the output frame size from ffmpeg's stream report (`Output #0 ... Video: rawvideo ..., 768x576`). */
export function parseOutputSize(stderr: string): { width: number; height: number } | undefined {
  const output = stderr.indexOf("Output #0");
  if (output < 0) return undefined;
  const match = /Video: rawvideo\b.*?, (\d{1,5})x(\d{1,5})\b/.exec(stderr.slice(output));
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}
