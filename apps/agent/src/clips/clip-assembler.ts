import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { EdgelensError } from "@edgelens/shared/errors";

const run = promisify(execFile);

/**
 * Joins MPEG-TS pieces (already H.264, keyframe-first) into one MP4 without re-encoding, with the
 * index at the front (`+faststart`) so a browser starts playing before the whole file arrives.
 */
export async function assembleClip(ffmpegPath: string, pieces: readonly string[], workDir: string, out: string): Promise<void> {
  if (pieces.length === 0) throw new EdgelensError("NOT_FOUND", "no recorded video covers the clip");
  const list = join(workDir, "pieces.txt");
  // The concat demuxer's list syntax: one `file '<path>'` per line, a quote written as '\''.
  await writeFile(list, pieces.map((p) => `file '${p.replaceAll("'", "'\\''")}'\n`).join(""));
  try {
    await run(ffmpegPath, ["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-movflags", "+faststart", "-y", out], {
      timeout: 60_000,
    });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
    throw new EdgelensError("INTERNAL", `could not assemble the clip: ${stderr.split("\n").pop() || (err as Error).message}`, {}, { cause: err });
  }
}

/**
 * `copy` when the source's first video stream is H.264 (the ring keeps it as it is), else `encode`.
 * `timeoutMs`: a camera that does not answer should not hold the ring up; a file always answers,
 * only slowly on a loaded box, so it gets longer (a short limit there re-encoded H.264 files).
 * `onFallback` hears why a probe that failed fell back to re-encoding.
 */
export async function probeRingCodec(
  ffprobePath: string,
  input: string,
  options: { inputOptions?: readonly string[]; timeoutMs?: number; onFallback?: (reason: string) => void } = {},
): Promise<"copy" | "encode"> {
  try {
    const args = ["-v", "error", ...(options.inputOptions ?? []), "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", input];
    const { stdout } = await run(ffprobePath, args, { timeout: options.timeoutMs ?? 10_000 });
    return stdout.trim().split("\n")[0] === "h264" ? "copy" : "encode";
  } catch (err) {
    // Unknown (a camera that does not answer a probe): re-encoding works for every codec.
    options.onFallback?.((err as Error).message);
    return "encode";
  }
}
