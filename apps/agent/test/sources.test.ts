import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import { mediaPath } from "@edgelens/vision/media";
import type { Frame } from "@edgelens/vision/project";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FrameAssembler,
  createFrameSource,
  ffmpegCommand,
  ffmpegInputArgs,
  parseOutputSize,
  parseSourceUri,
  redactSourceUri,
  restartDelay,
  type FrameSource,
  type SourceRestart,
} from "../src/sources/index";

const FFMPEG = "/usr/bin/ffmpeg";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-sources-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Collects `count` frames (then stops the source), or all of a finite source's frames. */
async function collect(source: FrameSource, count = Infinity): Promise<Frame[]> {
  const frames: Frame[] = [];
  source.start((frame) => {
    if (frames.length >= count) return;
    frames.push(frame);
    if (frames.length === count) void source.stop();
  });
  await source.wait();
  return frames;
}

describe("parseSourceUri", () => {
  it.each([
    ["file:///data/a%20b.mp4?loop=1", { kind: "file", path: "/data/a b.mp4", loop: true }],
    ["/data/clip.avi", { kind: "file", path: "/data/clip.avi", loop: false }],
    ["clip.avi", { kind: "file", path: "/work/clip.avi", loop: false }],
    ["dir:///data/photos", { kind: "dir", path: "/data/photos", loop: false }],
    ["rtsp://cam.local:554/stream1", { kind: "rtsp", url: "rtsp://cam.local:554/stream1" }],
    ["http://10.0.0.2/video.mjpg?x=1", { kind: "http", url: "http://10.0.0.2/video.mjpg?x=1" }],
    ["v4l2:///dev/video2", { kind: "v4l2", device: "/dev/video2" }],
    ["/dev/video0", { kind: "v4l2", device: "/dev/video0" }],
    ["testsrc://", { kind: "testsrc", pattern: "testsrc" }],
    ["testsrc://smptebars?size=64x48&rate=5", { kind: "testsrc", pattern: "smptebars", width: 64, height: 48, rate: 5 }],
  ])("%s", (uri, spec) => {
    expect(parseSourceUri(uri, "/work")).toEqual(spec);
  });

  it.each([
    ["ftp://host/x.mp4", /unsupported scheme "ftp:\/\/"/],
    ["file:///x.mp4?loop=yes", /loop must be 1 or 0/],
    ["file:///x.mp4?speed=2", /unknown option "speed"/],
    ["testsrc://plaid", /unknown test pattern "plaid"/],
    ["testsrc://?size=big", /size must be WIDTHxHEIGHT/],
    ["", /empty source/],
  ])("refuses %s", (uri, message) => {
    expect(() => parseSourceUri(uri)).toThrow(message);
  });

  it("hides passwords in descriptions", () => {
    expect(redactSourceUri("rtsp://admin:hunter2@cam/stream")).toBe("rtsp://admin:***@cam/stream");
  });
});

describe("ffmpeg command lines", () => {
  it("paces files only in realtime, loops them, and scales to the requested size", () => {
    expect(ffmpegInputArgs({ kind: "file", path: "/v.mp4", loop: true }, {}, true)).toEqual(["-re", "-stream_loop", "-1", "-i", "/v.mp4"]);
    expect(ffmpegInputArgs({ kind: "file", path: "/p.jpg", loop: true }, {}, false)).toEqual(["-loop", "1", "-i", "/p.jpg"]);
    expect(ffmpegInputArgs({ kind: "v4l2", device: "/dev/video0" }, { width: 640, height: 480, fps: 15 }, true)).toEqual([
      "-f", "v4l2", "-framerate", "15", "-video_size", "640x480", "-i", "/dev/video0",
    ]);
    const command = ffmpegCommand(["-i", "x"], { width: 320, fps: 5 });
    expect(command.join(" ")).toContain("-vf fps=5,scale=320:-2 -f rawvideo -pix_fmt rgb24 pipe:1");
  });

  it("reads the output size from ffmpeg's report", () => {
    const report = "Input #0 ... Stream #0:0: Video: mpeg4, yuv420p, 768x576\nOutput #0, rawvideo, to 'pipe:':\n  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, progressive), 320x240 [SAR 1:1], q=2-31";
    expect(parseOutputSize(report)).toEqual({ width: 320, height: 240 });
    expect(parseOutputSize("Input #0 ... 768x576")).toBeUndefined();
  });

  it("assembles frames across chunk boundaries", () => {
    const assembler = new FrameAssembler(4);
    expect(assembler.push(new Uint8Array([1, 2, 3]))).toEqual([]);
    const frames = assembler.push(new Uint8Array([4, 5, 6, 7, 8, 9]));
    expect(frames.map((f) => [...f])).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(frames[0]?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(assembler.pendingBytes).toBe(1);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => restartDelay(n, { baseMs: 500, maxMs: 5000 }))).toEqual([500, 1000, 2000, 4000, 5000]);
  });
});

describe("sources on real media", () => {
  it("decodes vtest.avi into 768x576 RGB frames with rising seq", async () => {
    const frames = await collect(createFrameSource(mediaPath("vtest.avi"), { realtime: false, restart: false }), 5);
    expect(frames).toHaveLength(5);
    for (const [i, f] of frames.entries()) {
      expect([f.width, f.height, f.data.length, f.seq]).toEqual([768, 576, 768 * 576 * 3, i]);
    }
    expect(frames[0]?.data.some((v) => v > 0)).toBe(true);
  });

  it("scales frames to the configured size", async () => {
    const [frame] = await collect(createFrameSource(mediaPath("vtest.avi"), { realtime: false, restart: false, width: 320, height: 240 }), 1);
    expect([frame?.width, frame?.height, frame?.data.length]).toEqual([320, 240, 320 * 240 * 3]);
  });

  it("reads a directory of images in name order, each at its size, and reports a bad one", async () => {
    const photos = join(dir, "photos");
    execFileSync("mkdir", ["-p", photos]);
    symlinkSync(mediaPath("dog.jpg"), join(photos, "1-dog.jpg"));
    symlinkSync(mediaPath("person.jpg"), join(photos, "2-person.jpg"));
    writeFileSync(join(photos, "3-broken.jpg"), "not a jpeg");
    writeFileSync(join(photos, "notes.txt"), "ignored");
    const source = createFrameSource(photos, { realtime: false, restart: false });
    const errors: EdgelensError[] = [];
    source.on("error", (e) => errors.push(e));
    let ended = false;
    source.on("end", () => (ended = true));
    const frames = await collect(source);
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [768, 576],
      [640, 424],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("3-broken.jpg");
    expect(ended).toBe(true);
  });

  it("generates a test pattern at the requested size", async () => {
    const frames = await collect(createFrameSource("testsrc://?size=96x64&rate=25", { realtime: false, restart: false }), 3);
    expect(frames.map((f) => [f.width, f.height, f.seq])).toEqual([
      [96, 64, 0],
      [96, 64, 1],
      [96, 64, 2],
    ]);
  });

  it("loops a file", async () => {
    const clip = join(dir, "three-frames.avi");
    execFileSync(FFMPEG, ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", "3", "-y", clip]);
    const once = await collect(createFrameSource(clip, { realtime: false, restart: false }));
    expect(once).toHaveLength(3);
    const looped = await collect(createFrameSource(`file://${clip}?loop=1`, { realtime: false, restart: false }), 8);
    expect(looped.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("fails clearly on a missing file and on a file ffmpeg cannot read", async () => {
    expect(() => createFrameSource(join(dir, "missing.mp4"))).toThrow(/no such file or directory: .*missing\.mp4/);
    const junk = join(dir, "junk.avi");
    writeFileSync(junk, "this is not a video");
    const source = createFrameSource(junk, { realtime: false, restart: false });
    source.start(() => undefined);
    const error = await source.wait().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SOURCE_FAILED", message: expect.stringMatching(/junk\.avi.*ffmpeg exited with 1.*Invalid data/s) });
  });
});

/** An HTTP MJPEG camera on loopback that can be switched off and on again on the same port. */
class MjpegCamera {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(
    private readonly jpeg: Buffer,
    private readonly mode: "stream" | "silent" = "stream",
  ) {}

  async start(): Promise<void> {
    const server = createServer((_req, res) => this.serve(res));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private serve(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "multipart/x-mixed-replace; boundary=frame" });
    if (this.mode === "silent") return;
    const timer = setInterval(() => {
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${this.jpeg.length}\r\n\r\n`);
      res.write(this.jpeg);
      res.write("\r\n");
    }, 50);
    this.timers.add(timer);
    res.on("close", () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }
}

describe("a live source that drops", () => {
  let jpeg: Buffer;
  beforeAll(() => {
    jpeg = execFileSync(FFMPEG, ["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=80x60", "-frames:v", "1", "-f", "mjpeg", "pipe:1"]);
  });

  it("is restarted with backoff when the camera goes away, and resumes with seq continuing", async () => {
    const camera = new MjpegCamera(jpeg);
    await camera.start();
    const source = createFrameSource(`http://127.0.0.1:${camera.port}/video`, { backoff: { baseMs: 200, maxMs: 400 } });
    const restarts: SourceRestart[] = [];
    const frames: Frame[] = [];
    let onFrames: (() => void) | undefined;
    const until = (n: number) => new Promise<void>((resolve) => (onFrames = () => frames.length >= n && resolve()));
    source.on("restart", (r) => restarts.push(r));
    source.start((f) => {
      frames.push(f);
      onFrames?.();
    });
    try {
      await until(3);
      expect(frames[0]).toMatchObject({ width: 80, height: 60 });
      const restarted = new Promise((resolve) => source.once("restart", resolve));
      await camera.stop();
      await restarted;
      expect(restarts[0]?.error.code).toBe("SOURCE_FAILED");
      const before = frames.length;
      await camera.start();
      await until(before + 3);
      const seqs = frames.map((f) => f.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    } finally {
      await source.stop();
      await camera.stop();
    }
  });

  it("restarts a stream that stalls without closing", async () => {
    const camera = new MjpegCamera(jpeg, "silent");
    await camera.start();
    const source = createFrameSource(`http://127.0.0.1:${camera.port}/video`, { stallTimeoutMs: 800, backoff: { baseMs: 100, maxMs: 100 } });
    try {
      const restart = new Promise<SourceRestart>((resolve) => source.on("restart", resolve));
      source.start(() => undefined);
      expect((await restart).error.message).toMatch(/no frame for 800 ms/);
    } finally {
      await source.stop();
      await camera.stop();
    }
  });
});
