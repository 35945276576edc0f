import { execFile, execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { mediaPath } from "@edgelens/vision/media";
import { CameraHub } from "../src/cameras/camera-hub";
import { ClipRecorders } from "../src/clips/clip-recorders";
import { memoryLogger } from "./support/test-logger";
import { makeTempDir } from "./support/temp-dir";

const run = promisify(execFile);
const FFMPEG = "/usr/bin/ffmpeg";
const LOBBY = "camera://lobby";

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function probe(path: string): Promise<{ duration: number; codec: string; width: number }> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "format=duration:stream=codec_name,width", "-of", "json", path]);
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_name: string; width: number }[] };
  return { duration: Number(json.format.duration), codec: json.streams[0]?.codec_name ?? "", width: json.streams[0]?.width ?? 0 };
}

/** This process's ffmpeg children, by command line. */
function ffmpegChildren(): string[] {
  return execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes("ffmpeg"));
}

/**
 * Clips of named cameras (issue 16): a camera is opened by its one decoder only, as a V4L2 device
 * must be, so its ring encodes the frames that decoder already makes (ffmpeg's test pattern stands
 * in for the camera); the recording follows the camera when its URI changes or it goes; a V4L2
 * device read directly by a project is refused with what to do instead.
 */
describe("clips of named cameras", () => {
  const tmp = makeTempDir("camera-clips");
  const { log } = memoryLogger();
  const hub = new CameraHub({ log, ffmpegPath: FFMPEG, backoff: { baseMs: 100, maxMs: 400 }, stallTimeoutMs: 10_000 });
  const errors: Error[] = [];
  const recorders = new ClipRecorders({
    ffmpegPath: FFMPEG,
    dir: join(tmp.path, "clips"),
    seconds: 4,
    fps: 10,
    maxPending: 2,
    minFreeBytes: 0,
    maxClipBytes: 50 * 1024 * 1024,
    waitSlackMs: 5000,
    onError: (err) => errors.push(err),
    cameras: hub,
  });

  afterAll(async () => {
    await recorders.stopAll();
    await hub.stop();
    tmp.remove();
  });

  it("records a camera from the frames its one decoder makes: the camera is opened once, and the clip plays", async () => {
    hub.set([{ name: "lobby", uri: "testsrc://testsrc?size=320x240&rate=10" }]);
    await recorders.start(LOBBY);
    expect(recorders.describe()).toMatchObject([{ source: LOBBY, codec: "encode", input: "camera-frames", users: 1 }]);
    await until(() => recorders.keptMs(LOBBY) >= 2500, 20_000, "2.5 s of the camera in its ring");
    const children = ffmpegChildren();
    expect(children.filter((l) => l.includes("testsrc")), children.join("\n")).toHaveLength(1);
    expect(children.filter((l) => l.includes("pipe:0")), children.join("\n")).toHaveLength(1);
    // The ring reads the camera as the agent, not as one of the projects the camera reports.
    expect(hub.status()[0]).toMatchObject({ name: "lobby", state: "running", readers: [] });

    const file = await recorders.clip(LOBBY, "event-lobby", { at: Date.now(), pre: 2, post: 1 });
    const clip = await probe(file.path);
    expect(clip).toMatchObject({ codec: "h264", width: 320 });
    expect(Math.abs(clip.duration - 3)).toBeLessThanOrEqual(1.1);
    await recorders.discard(file);
    expect(errors).toEqual([]);
  }, 60_000);

  it("follows the camera: a new URI is recorded from then on, a camera gone answers NOT_FOUND", async () => {
    hub.set([{ name: "lobby", uri: "testsrc://testsrc?size=160x120&rate=10" }]);
    await recorders.refreshCameras();
    await until(() => recorders.keptMs(LOBBY) >= 1500, 20_000, "1.5 s of the new camera");
    const file = await recorders.clip(LOBBY, "event-new", { at: Date.now(), pre: 1, post: 1 });
    expect(await probe(file.path)).toMatchObject({ codec: "h264", width: 160 });
    await recorders.discard(file);

    hub.set([]);
    await recorders.refreshCameras();
    await expect(recorders.clip(LOBBY, "event-gone", { at: Date.now(), pre: 1, post: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(ffmpegChildren().filter((l) => l.includes("pipe:0"))).toEqual([]);
    await recorders.release(LOBBY);
    expect(recorders.describe()).toEqual([]);
  }, 60_000);

  it("records a V4L2 camera from its decoder's frames and refuses a V4L2 device read directly, saying what to do", async () => {
    hub.set([{ name: "usb", uri: "/dev/video9" }]);
    await recorders.start("camera://usb");
    // Not opened a second time: the ring waits for the frames of the camera's own decoder.
    expect(recorders.describe()).toMatchObject([{ source: "camera://usb", codec: "encode", input: "camera-frames" }]);
    await recorders.release("camera://usb");
    await expect(recorders.start("/dev/video9")).rejects.toMatchObject({
      code: "SOURCE_FAILED",
      message: expect.stringMatching(/a V4L2 device opens once.*edgelens device camera add <device> <name> \/dev\/video9\) and read camera:\/\/<name>/),
    });
    await expect(recorders.start("camera://nope")).rejects.toMatchObject({ code: "CAMERA_NOT_FOUND", message: expect.stringContaining('camera "nope" is not defined') });
    expect(recorders.describe()).toEqual([]);
  }, 30_000);

  it("records an image-folder camera of odd and mixed sizes: the first size is kept, the others dropped, the sides made even", async () => {
    const folder = join(tmp.path, "slides");
    mkdirSync(folder);
    // a.jpg 321x241 and b.jpg 769x577, in a loop: odd sides, which libx264 refuses as they are.
    // Either may be the first frame the ring sees (it attaches to a running decoder).
    await run(FFMPEG, ["-v", "error", "-i", mediaPath("person.jpg"), "-vf", "scale=321:241", "-y", join(folder, "a.jpg")]);
    await run(FFMPEG, ["-v", "error", "-i", mediaPath("dog.jpg"), "-vf", "scale=769:577", "-y", join(folder, "b.jpg")]);
    hub.set([{ name: "slides", uri: `dir://${folder}?loop=1` }]);
    await recorders.start("camera://slides");
    await until(() => recorders.keptMs("camera://slides") >= 2500, 30_000, "2.5 s of the slideshow");
    const [ring] = recorders.describe();
    expect(ring).toMatchObject({ source: "camera://slides", input: "camera-frames" });
    // Every other picture is of the other size: dropped, and the encoder was not restarted for it.
    expect(ring!.droppedFrames).toBeGreaterThan(0);
    const file = await recorders.clip("camera://slides", "event-slides", { at: Date.now(), pre: 2, post: 1 });
    const clip = await probe(file.path);
    expect(clip.codec).toBe("h264");
    expect([320, 768], `clip width ${clip.width}`).toContain(clip.width);
    await recorders.discard(file);
    await recorders.release("camera://slides");
    expect(errors).toEqual([]);
  }, 60_000);
});
