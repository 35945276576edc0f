import { statSync } from "node:fs";
import { EdgelensError } from "@edgelens/shared/errors";
import { DirectorySource } from "./directory-source";
import { FfmpegSource } from "./ffmpeg-source";
import type { FrameSource, SourceOptions } from "./frame-source";
import { parseSourceUri, redactSourceUri, type SourceSpec } from "./source-uri";

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

/**
 * Opens a source from its URI (or a parsed spec). Local paths are checked now, so a missing file
 * or camera fails here with a clear SOURCE_FAILED instead of in ffmpeg's log.
 */
export function createFrameSource(source: string | SourceSpec, options: SourceOptions = {}): FrameSource {
  const spec = typeof source === "string" ? parseSourceUri(source) : source;
  const named = typeof source === "string" ? redactSourceUri(source) : spec.kind;
  switch (spec.kind) {
    case "file": {
      const stat = statOf(spec.path);
      if (!stat) throw new EdgelensError("SOURCE_FAILED", `no such file or directory: ${spec.path}`, { source: named });
      if (stat.isDirectory()) return new DirectorySource(spec.path, spec.loop, options);
      return new FfmpegSource(spec, options);
    }
    case "dir": {
      if (!statOf(spec.path)?.isDirectory()) throw new EdgelensError("SOURCE_FAILED", `no such directory: ${spec.path}`, { source: named });
      return new DirectorySource(spec.path, spec.loop, options);
    }
    case "v4l2":
      if (!statOf(spec.device)) throw new EdgelensError("SOURCE_FAILED", `no such camera: ${spec.device}`, { source: named });
      return new FfmpegSource(spec, options);
    default:
      return new FfmpegSource(spec, options);
  }
}
