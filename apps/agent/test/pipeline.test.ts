import { EdgelensError, InferenceResultSchema, type FunctionOutput } from "@edgelens/shared";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { afterAll, describe, expect, it } from "vitest";
import {
  Pipeline,
  percentile,
  pruneSamples,
  resultsPerSecond,
  summarizeLatencies,
  toInferenceResult,
  type LatencySample,
  type PipelineFrameError,
  type PipelineResult,
} from "../src/pipeline/index";
import { loadProject, type ProjectHandle } from "../src/runtime/index";

const handles: ProjectHandle[] = [];

afterAll(async () => {
  await Promise.all(handles.map((h) => h.dispose()));
});

async function load(source: string): Promise<ProjectHandle> {
  const { code } = await compileProjectFunction(source, { filename: "function.js" });
  const handle = await loadProject({ projectId: "pipeline-test", code, models: {}, timeoutMs: 10_000 });
  handles.push(handle);
  return handle;
}

function frame(seq: number, ts = Date.now()): Frame {
  const data = new Uint8Array(new SharedArrayBuffer(4 * 2 * 3)).fill(10);
  return { data, width: 4, height: 2, seq, ts };
}

describe("stats", () => {
  it("interpolates percentiles between ranks", () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(percentile(sorted, 0.5)).toBe(30);
    expect(percentile(sorted, 0.95)).toBeCloseTo(48);
    expect(percentile([], 0.5)).toBe(0);
    expect(summarizeLatencies([50, 10, 40, 20, 30])).toEqual({ p50: 30, p95: expect.closeTo(48, 6), p99: expect.closeTo(49.6, 6) });
  });

  it("measures results per second over the window, or over the pipeline's age while it is younger", () => {
    const samples: LatencySample[] = [1000, 1500, 2000, 2500, 3000].map((at) => ({ at, totalMs: 1, inferenceMs: 1, functionMs: 1 }));
    expect(resultsPerSecond(samples, 3000, 10_000, 500)).toBe(2); // 5 results in 2.5 s
    expect(resultsPerSecond(samples, 3000, 1000, 0)).toBe(2); // 2500 and 3000 inside the last second
    expect(resultsPerSecond(samples, 3000, 10_000, 3000)).toBe(0);
  });

  it("prunes samples older than the window or beyond the cap", () => {
    const samples: LatencySample[] = [1, 2, 3, 4].map((at) => ({ at: at * 1000, totalMs: 1, inferenceMs: 1, functionMs: 1 }));
    expect(pruneSamples(samples, 4000, 2500, 100)).toBe(3);
    expect(samples.map((s) => s.at)).toEqual([2000, 3000, 4000]);
    expect(pruneSamples(samples, 4000, 10_000, 1)).toBe(1);
  });
});

describe("pipeline", () => {
  it("keeps only the newest frame while the function is busy and counts the dropped ones", async () => {
    const project = await load("export default { async infer(f) { await new Promise((r) => setTimeout(r, 150)); return { counts: { seq: f.seq } }; } };");
    const pipeline = new Pipeline({ project, policy: "latest" });
    const results: PipelineResult[] = [];
    pipeline.on("result", (r) => results.push(r));
    for (let seq = 0; seq < 10; seq++) void pipeline.onFrame(frame(seq));
    await pipeline.idle();
    expect(results.map((r) => r.frame.seq)).toEqual([0, 9]);
    const stats = pipeline.stats();
    expect(stats).toMatchObject({ framesIn: 10, processed: 2, dropped: 8, errors: 0 });
    expect(pipeline.latestFrame?.seq).toBe(9);
    const last = results[1];
    expect(last?.latencyMs.queue).toBeGreaterThan(0);
    expect(last?.latencyMs.total).toBeGreaterThanOrEqual((last?.latencyMs.queue ?? 0) + (last?.latencyMs.function ?? 0) - 1);
    expect(stats.latencyMs.p50).toBeGreaterThan(0);
    expect(stats.fps).toBeGreaterThan(0);
  });

  it("processes every frame in order when the source waits (simulator policy)", async () => {
    const project = await load("export default { async infer(f) { await new Promise((r) => setTimeout(r, 20)); return { counts: { seq: f.seq } }; } };");
    const pipeline = new Pipeline({ project, policy: "every" });
    const seen: number[] = [];
    pipeline.on("result", (r) => seen.push(r.output?.counts?.seq ?? -1));
    for (let seq = 0; seq < 5; seq++) await pipeline.onFrame(frame(seq));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(pipeline.stats().dropped).toBe(0);
  });

  it("reports a failing frame and goes on with the next", async () => {
    const project = await load("export default { infer(f) { if (f.seq === 1) throw new Error('bad frame'); return { counts: { seq: f.seq } }; } };");
    const pipeline = new Pipeline({ project, policy: "every" });
    const errors: PipelineFrameError[] = [];
    const results: PipelineResult[] = [];
    pipeline.on("frame-error", (e) => errors.push(e));
    pipeline.on("result", (r) => results.push(r));
    for (let seq = 0; seq < 3; seq++) await pipeline.onFrame(frame(seq));
    expect(errors.map((e) => [e.frame.seq, e.error.code])).toEqual([[1, "FUNCTION_FAILED"]]);
    expect(results.map((r) => r.frame.seq)).toEqual([0, 2]);
    expect(pipeline.stats()).toMatchObject({ processed: 2, errors: 1 });
  });

  it("turns a throwing result listener into a frame-error instead of an unhandled rejection", async () => {
    const project = await load("export default { infer(f) { return { counts: { seq: f.seq } }; } };");
    const pipeline = new Pipeline({ project, policy: "latest" });
    const errors: PipelineFrameError[] = [];
    pipeline.on("result", () => {
      throw new Error("publisher broke");
    });
    pipeline.on("frame-error", (e) => errors.push(e));
    void pipeline.onFrame(frame(0));
    await pipeline.idle();
    void pipeline.onFrame(frame(1));
    await pipeline.idle();
    expect(errors.map((e) => [e.frame.seq, e.error.code, e.error.message])).toEqual([
      [0, "INTERNAL", expect.stringContaining("publisher broke")],
      [1, "INTERNAL", expect.stringContaining("publisher broke")],
    ]);
  });

  it("draws the overlay on a copy of the processed frame, leaving the raw frame as it was", async () => {
    const project = await load("export default { infer(f, ctx) { ctx.draw.box([0, 0, 4, 2], { color: '#ff0000', lineWidth: 1 }); return null; } };");
    const pipeline = new Pipeline({ project, policy: "every" });
    expect(pipeline.latestAnnotated()).toBeUndefined();
    const raw = frame(0);
    await pipeline.onFrame(raw);
    const annotated = pipeline.latestAnnotated();
    expect(annotated?.seq).toBe(0);
    expect([...(annotated?.data.subarray(0, 3) ?? [])]).toEqual([255, 0, 0]);
    expect([...raw.data.subarray(0, 3)]).toEqual([10, 10, 10]);
    expect(pipeline.latestAnnotated()).toBe(annotated);
  });

  it("holds frames without a project and starts processing when one is set", async () => {
    const pipeline = new Pipeline({ policy: "every" });
    await pipeline.onFrame(frame(0));
    expect(pipeline.stats()).toMatchObject({ framesIn: 1, processed: 0 });
    pipeline.setProject(await load("export default { infer() { return { counts: { n: 1 } }; } };"));
    await pipeline.onFrame(frame(1));
    expect(pipeline.stats()).toMatchObject({ framesIn: 2, processed: 1 });
  });
});

describe("toInferenceResult", () => {
  const result: PipelineResult = {
    frame: { seq: 3, ts: 1_700_000_000_000, width: 640, height: 480 },
    output: { counts: { person: 2 } },
    published: [],
    overlay: [],
    latencyMs: { total: 41.234567, queue: 5, inference: 20.5, function: 30 },
  };

  it("builds a valid InferenceResult with the frame's time and size", () => {
    const r = toInferenceResult({ counts: { person: 2 } }, { deviceId: "cam-01", projectId: "people", deploymentId: "d1", seq: 7, frame: result.frame, latencyMs: result.latencyMs });
    expect(InferenceResultSchema.parse(r)).toEqual({
      counts: { person: 2 },
      deviceId: "cam-01",
      projectId: "people",
      deploymentId: "d1",
      seq: 7,
      ts: 1_700_000_000_000,
      frame: { width: 640, height: 480 },
      latencyMs: { total: 41.23, inference: 20.5 },
    });
  });

  it("refuses ids the protocol does not allow", () => {
    expect(() => toInferenceResult({}, { deviceId: "Bad Id", projectId: "p", seq: 0, frame: result.frame, latencyMs: result.latencyMs })).toThrow(/deviceId/);
  });

  it("refuses an output that makes no valid result with FUNCTION_FAILED and the ids (daemon and simulator alike)", () => {
    const bad: FunctionOutput = { labels: [{ label: "person", score: 2 }] };
    let thrown: unknown;
    try {
      toInferenceResult(bad, { deviceId: "cam-01", projectId: "people", deploymentId: "d1", seq: 0, frame: result.frame, latencyMs: result.latencyMs });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EdgelensError);
    expect((thrown as EdgelensError).code).toBe("FUNCTION_FAILED");
    expect((thrown as EdgelensError).context).toEqual({ deviceId: "cam-01", projectId: "people", deploymentId: "d1" });
    expect((thrown as EdgelensError).message).toMatch(/labels\.0\.score/);
  });
});
