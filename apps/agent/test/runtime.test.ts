import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage } from "@edgelens/vision";
import { mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { getTemplate } from "@edgelens/vision/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject, type ProjectHandle, type ProjectLogLine, type ProjectRestart } from "../src/runtime/index";

let dir: string;
const handles: ProjectHandle[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgelens-runtime-"));
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

async function load(source: string, options: { models?: Record<string, string>; timeoutMs?: number; config?: Record<string, unknown> } = {}): Promise<ProjectHandle> {
  const { code } = await compileProjectFunction(source, { filename: "function.ts" });
  const handle = await loadProject({ projectId: "test-project", code, models: options.models ?? {}, config: options.config ?? {}, timeoutMs: options.timeoutMs ?? 5000, threads: 1 });
  handles.push(handle);
  return handle;
}

function frame(seq: number, width = 8, height = 4): Frame {
  return { data: new Uint8Array(width * height * 3).fill(seq), width, height, seq, ts: Date.now() };
}

const nextRestart = (h: ProjectHandle) => new Promise<ProjectRestart>((resolve) => h.once("restart", resolve));

describe("project runtime (function sandbox)", () => {
  it("runs a template with its real model on a real photo", async () => {
    await ensureSampleModels();
    const t = getTemplate("object-detection");
    const handle = await load(t.functionSource, { models: { detector: getSampleModel("centernet").path }, config: t.defaultConfig });
    expect(handle.models.map((m) => m.name)).toEqual(["detector"]);
    const image = await decodeImage(mediaPath("dog.jpg"));
    const result = await handle.process({ ...image, seq: 0, ts: Date.now() });
    expect(result.output?.detections?.map((d) => d.label)).toContain("dog");
    expect(result.inferenceMs).toBeGreaterThan(0);
    expect(result.totalMs).toBeGreaterThanOrEqual(result.inferenceMs);
    expect(result.roundTripMs).toBeGreaterThanOrEqual(result.totalMs);
    expect(result.overlay.some((op) => op.kind === "box")).toBe(true);
  });

  it("sends a frame to the sandbox whatever memory backs it, and refuses one of the wrong size", async () => {
    const handle = await load("export default { infer(f) { return { counts: { first: f.data[0], last: f.data[f.data.length - 1] } }; } };");
    const shared = new Uint8Array(new SharedArrayBuffer(8 * 4 * 3)).fill(7);
    expect((await handle.process({ ...frame(0), data: shared })).output?.counts).toEqual({ first: 7, last: 7 });
    expect((await handle.process(frame(9))).output?.counts).toEqual({ first: 9, last: 9 });
    await expect(handle.process({ ...frame(1), width: 100 })).rejects.toMatchObject({ code: "INVALID_PAYLOAD" });
  });

  it("reports a function that throws as a per-frame FUNCTION_FAILED and keeps running", async () => {
    const handle = await load("export default { infer(f) { if (f.seq % 2 === 1) throw new Error('odd frame ' + f.seq); return { counts: { seq: f.seq } }; } };");
    await expect(handle.process(frame(1))).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("odd frame 1") });
    expect((await handle.process(frame(2))).output).toEqual({ counts: { seq: 2 } });
    await expect(handle.process(frame(3))).rejects.toMatchObject({ code: "FUNCTION_FAILED" });
    expect((await handle.process(frame(4))).output).toEqual({ counts: { seq: 4 } });
    expect(handle.restarts).toBe(0);
  });

  it("stops a function that keeps ArrayBuffers past its limit (memory outside the V8 heap)", async () => {
    const handle = await load("const keep = []; export default { infer() { keep.push(new ArrayBuffer(256 * 1024 * 1024)); return { counts: { held: keep.length } }; } };");
    expect((await handle.process(frame(0))).output?.counts).toEqual({ held: 1 });
    await expect(handle.process(frame(1))).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("over its 512 MB limit") });
    // The worker is gone and comes back empty: the held buffers went with it.
    await expect.poll(() => handle.restarts, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    expect((await handle.process(frame(2))).output?.counts).toEqual({ held: 1 });
  });

  it("refuses an invalid result with the field that is wrong", async () => {
    const handle = await load("export default { infer() { return { detections: [{ label: 'x', classId: 0, score: 0.5, box: [0, 0, 1] }] }; } };");
    await expect(handle.process(frame(0))).rejects.toMatchObject({ code: "FUNCTION_FAILED", message: expect.stringContaining("detections.0.box") });
  });

  it("stops a function that hangs, restarts the worker, and goes on", async () => {
    const handle = await load("let calls = 0;\nexport default { infer(f) { if (f.seq === 1) { for (;;) {} } calls += 1; return { counts: { calls } }; } };", { timeoutMs: 500 });
    expect((await handle.process(frame(0))).output).toEqual({ counts: { calls: 1 } });
    const restart = nextRestart(handle);
    await expect(handle.process(frame(1))).rejects.toMatchObject({ code: "FUNCTION_TIMEOUT", message: expect.stringMatching(/longer than 500 ms on frame 1/) });
    expect(await restart).toMatchObject({ reason: "timeout", restarts: 1 });
    // A fresh worker: the module's state starts over.
    expect((await handle.process(frame(2))).output).toEqual({ counts: { calls: 1 } });
  });

  it("restarts a worker that dies between frames (an uncaught error in user code)", async () => {
    const handle = await load("export default { infer(f) { if (f.seq === 1) setTimeout(() => { throw new Error('late failure'); }, 0); return { counts: { seq: f.seq } }; } };");
    const restart = nextRestart(handle);
    expect((await handle.process(frame(1))).output).toEqual({ counts: { seq: 1 } });
    const info = await restart;
    expect(info.reason).toBe("crash");
    expect(info.error.message).toContain("late failure");
    expect((await handle.process(frame(2))).output).toEqual({ counts: { seq: 2 } });
  });

  it("sends console output and ctx.log to the project log, not to stdout", async () => {
    const handle = await load("export default { setup(ctx) { ctx.log.warn('set up'); }, infer(f, ctx) { console.log('hello from ' + ctx.projectId); } };");
    const lines: ProjectLogLine[] = [];
    handle.on("log", (l) => lines.push(l));
    expect((await handle.process(frame(0))).output).toBeNull();
    await expect.poll(() => lines.map((l) => `${l.level} ${l.message}`)).toContain("info hello from test-project");
  });

  it("fails the load with FUNCTION_FAILED when setup throws", async () => {
    await expect(load("export default { setup() { throw new Error('no camera calibration'); }, infer() {} };")).rejects.toMatchObject({
      code: "FUNCTION_FAILED",
      message: expect.stringContaining("setup failed: Error: no camera calibration"),
    });
  });

  it("fails the load with MODEL_LOAD_FAILED for a missing or broken model", async () => {
    const broken = join(dir, "broken.onnx");
    writeFileSync(broken, "this is not an ONNX model");
    const source = "export default { models: ['detector'], infer() {} };";
    await expect(load(source, { models: { detector: broken } })).rejects.toMatchObject({ code: "MODEL_LOAD_FAILED", message: expect.stringContaining("broken.onnx") });
    await expect(load(source, { models: { detector: join(dir, "missing.onnx") } })).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      message: expect.stringContaining("missing.onnx"),
    });
    await expect(load(source)).rejects.toMatchObject({ code: "MODEL_LOAD_FAILED", message: expect.stringContaining('"detector"') });
  });
});
