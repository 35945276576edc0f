import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClipRequestSchema, RuleActionSchema } from "@edgelens/shared/schemas";
import { ClipRecorders } from "../src/clips/clip-recorders";
import { mediaPath } from "@edgelens/vision/media";
import { vtestSource } from "./support/projects";
import { startRtspCamera } from "./support/rtsp-camera";
import { makeTempDir } from "./support/temp-dir";

const run = promisify(execFile);
const FFMPEG = "/usr/bin/ffmpeg";
const SECONDS = 4;

/** Polls `check` every 100 ms until it holds, at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function probe(path: string): Promise<{ duration: number; codecs: string[] }> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name", "-of", "json", path]);
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string }[] };
  return { duration: Number(json.format.duration), codecs: json.streams.filter((s) => s.codec_type === "video").map((s) => s.codec_name) };
}

describe("clips around events (vtest.avi: DivX, so the ring encodes H.264; an H.264 file is copied)", () => {
  const tmp = makeTempDir("clips");
  const source = vtestSource();
  const h264 = `file://${join(tmp.path, "h264.mp4")}?loop=1`;
  let freeBytes = Number.MAX_SAFE_INTEGER;
  const errors: Error[] = [];
  const recorders = new ClipRecorders({
    ffmpegPath: FFMPEG,
    dir: join(tmp.path, "clips"),
    seconds: SECONDS,
    fps: 10,
    maxPending: 1,
    minFreeBytes: 64 * 1024 * 1024,
    maxClipBytes: 50 * 1024 * 1024,
    waitSlackMs: 5000,
    freeBytes: () => Promise.resolve(freeBytes),
    onError: (err) => errors.push(err),
  });

  beforeAll(async () => {
    // An H.264 camera stand-in: 5 s of vtest.avi re-encoded with a keyframe a second.
    await run(FFMPEG, ["-v", "error", "-i", mediaPath("vtest.avi"), "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p", "-y", join(tmp.path, "h264.mp4")]);
    await Promise.all([recorders.start(source), recorders.start(h264)]);
    await until(() => recorders.keptMs(source) >= 2500 && recorders.keptMs(h264) >= 2500, 15_000, "2.5 s of video in both rings");
  });
  afterAll(async () => {
    await recorders.stopAll();
    tmp.remove();
  });

  it("assembles pre + post seconds around the moment as a faststart H.264 MP4", async () => {
    const started = Date.now();
    const file = await recorders.clip(source, "event-1", { at: started, pre: 2, post: 1 });
    // It waited for the second after the moment to be recorded.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const { duration, codecs } = await probe(file.path);
    expect(codecs).toEqual(["h264"]);
    expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1.1);
    expect(Math.abs(file.durationMs / 1000 - duration)).toBeLessThan(0.5);
    // faststart: the index (moov) comes before the media data (mdat), so a browser plays at once.
    const head = await readFile(file.path);
    expect(head.indexOf("moov")).toBeGreaterThan(0);
    expect(head.indexOf("moov")).toBeLessThan(head.indexOf("mdat"));
    await recorders.discard(file);
    expect(errors).toEqual([]);
  });

  it("copies an H.264 source without re-encoding, and its clip plays the same way", async () => {
    // Both started at once in beforeAll: the order they were listed in is not part of it.
    expect(new Map(recorders.describe().map((d) => [d.source, d.codec]))).toEqual(
      new Map([
        [source, "encode"],
        [h264, "copy"],
      ]),
    );
    const file = await recorders.clip(h264, "event-h264", { at: Date.now(), pre: 2, post: 1 });
    const { duration, codecs } = await probe(file.path);
    expect(codecs).toEqual(["h264"]);
    expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1.1);
    await recorders.discard(file);
  });

  it("records an H.264 RTSP camera by copying its stream, and its clip plays", async () => {
    const camera = await startRtspCamera(mediaPath("vtest.avi"), { fps: 10 });
    try {
      await recorders.start(camera.url);
      expect(recorders.describe().find((d) => d.source === camera.url)?.codec).toBe("copy");
      await until(() => recorders.keptMs(camera.url) >= 2500, 20_000, "2.5 s of the RTSP camera in its ring");
      const file = await recorders.clip(camera.url, "event-rtsp", { at: Date.now(), pre: 2, post: 1 });
      const { duration, codecs } = await probe(file.path);
      expect(codecs).toEqual(["h264"]);
      expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1.1);
      await recorders.discard(file);
    } finally {
      await recorders.release(camera.url);
      await camera.close();
    }
  }, 60_000);

  it("keeps the ring bounded on disk and refuses what the bounds do not allow", async () => {
    const [key] = (await readdir(join(tmp.path, "clips"))).filter((n) => n !== "out" && !n.endsWith(".mp4"));
    const pieces = await readdir(join(tmp.path, "clips", key ?? "", "ring"));
    expect(pieces.length).toBeLessThanOrEqual(SECONDS + 3);

    // One clip at a time (maxPending 1): the second is refused while the first waits.
    const first = recorders.clip(source, "event-2", { at: Date.now(), pre: 1, post: 1 });
    await expect(recorders.clip(source, "event-3", { at: Date.now(), pre: 1, post: 1 })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await recorders.discard(await first);

    freeBytes = 10 * 1024 * 1024;
    await expect(recorders.clip(source, "event-4", { at: Date.now(), pre: 1, post: 0 })).rejects.toThrow(/disk short: 10 MiB free, clips need at least 64 MiB/);
    freeBytes = Number.MAX_SAFE_INTEGER;
    const out = await readdir(join(tmp.path, "clips", "out"));
    expect(out).toEqual([]);
  });

  it("gives clear errors for bad requests and keeps recording", async () => {
    await expect(recorders.clip("file:///nowhere.mp4", "event-5", { at: Date.now(), pre: 1, post: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/records no source file:\/\/\/nowhere\.mp4 \(it records file:/),
    });
    await expect(recorders.clip(source, "event-6", { at: Date.now(), pre: 30, post: 1 })).rejects.toMatchObject({ code: "INVALID_PAYLOAD", message: expect.stringMatching(/more than the 4 s/) });
    await expect(recorders.clip(source, "event-7", { at: Date.now() - 60_000, pre: 1, post: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(recorders.start(`dir://${tmp.path}`)).rejects.toMatchObject({ code: "SOURCE_FAILED", message: expect.stringMatching(/image folder/) });
    expect(ClipRequestSchema.safeParse({ clipId: "c1", at: 1, pre: 61, post: 1 }).success).toBe(false);
    expect(ClipRequestSchema.safeParse({ clipId: "c1", at: 1, pre: 0, post: 0 }).success).toBe(false);
    expect(RuleActionSchema.safeParse({ type: "clip", pre: 0, post: 0 }).success).toBe(false);
    expect(RuleActionSchema.safeParse({ type: "clip", pre: 90 }).success).toBe(false);
    expect(recorders.keptMs(source)).toBeGreaterThan(0);
  });
});
