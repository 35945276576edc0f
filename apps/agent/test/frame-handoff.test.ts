import { inputRequestKey, toInputRequest, type FrameWithInputs } from "@edgelens/vision/preprocess";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pipeline, type PipelineResult } from "../src/pipeline/index";
import { loadProject, type ProjectHandle } from "../src/runtime/index";
import { decodeFrame, encodeFrame } from "../src/runtime/frame-wire";
import { FrameAssembler, FramePool } from "../src/sources/index";

// The function sums its input tensor and the frame after the model would have run (a wait), so a
// frame or tensor overwritten while in flight shows in the result. Frame 2 takes longer than the others.
const SLOW_SUMMER = `export default { async infer(f, ctx) {
  const { tensor } = ctx.vision.resize(f, 4, 2);
  await new Promise((r) => setTimeout(r, f.seq === 2 ? 600 : 80));
  let sum = 0; for (const v of tensor.data) sum += v;
  let fsum = 0; for (const v of f.data) fsum += v;
  return { counts: { seq: f.seq, sum, fsum } };
} };`;

let project: ProjectHandle;

beforeAll(async () => {
  const { code } = await compileProjectFunction(SLOW_SUMMER, { filename: "function.js" });
  project = await loadProject({ projectId: "handoff-test", code, models: {}, timeoutMs: 10_000 });
});

afterAll(async () => {
  await project?.dispose();
});

/** A 4x2 frame whose every byte is seq + 1: its sums are known. */
function frame(seq: number): Frame {
  const data = new Uint8Array(new SharedArrayBuffer(4 * 2 * 3)).fill(seq + 1);
  return { data, width: 4, height: 2, seq, ts: Date.now() };
}

const expected = (seq: number) => ({ seq, sum: 24 * (seq + 1), fsum: 24 * (seq + 1) });

describe("frame hand-off", () => {
  it("latest: drops all but the newest waiting frame, prepares its input ahead, and gives frames back only once nothing holds them", async () => {
    const released: number[] = [];
    // Giving a frame back here wipes it, as a reused buffer would be overwritten.
    const pipeline = new Pipeline({ project, policy: "latest", releaseFrame: (f) => (released.push(f.seq), f.data.fill(0)) });
    const results: PipelineResult[] = [];
    pipeline.on("result", (r) => results.push(r));
    for (const seq of [0, 1]) {
      void pipeline.onFrame(frame(seq));
      await pipeline.idle();
    }
    for (let seq = 2; seq <= 11; seq++) void pipeline.onFrame(frame(seq));
    await pipeline.idle();
    expect(results.map((r) => r.output?.counts)).toEqual([expected(0), expected(1), expected(2), expected(11)]);
    expect(pipeline.stats()).toMatchObject({ framesIn: 12, processed: 4, dropped: 8 });
    // Frame 11 waited while frame 2 ran longer than frames usually take: it was prepared then,
    // once (not each of 3..11 as it came), from the request frame 1 made.
    expect(results.map((r) => r.latencyMs.preparedAhead)).toEqual([false, false, false, true]);
    // 0 and 1 went when the next was processed; 3..10 when replaced; 2 when 11 was; 11 is still held.
    expect(released.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("ordered: processes every frame in order with one waiting, holding the source while that place is taken", async () => {
    const pipeline = new Pipeline({ project, policy: "ordered" });
    const results: number[] = [];
    pipeline.on("result", (r) => results.push(r.frame.seq));
    const accepted: { seq: number; processedBefore: number }[] = [];
    const handOffs = [0, 1, 2, 3].map((seq) => Promise.resolve(pipeline.onFrame(frame(seq))).then(() => accepted.push({ seq, processedBefore: results.length })));
    await Promise.all(handOffs);
    await pipeline.idle();
    expect(results).toEqual([0, 1, 2, 3]);
    // 0 runs and 1 waits at once; 2 gets in only after 0 is done, 3 after 1.
    expect(accepted).toEqual([
      { seq: 0, processedBefore: 0 },
      { seq: 1, processedBefore: 0 },
      { seq: 2, processedBefore: 1 },
      { seq: 3, processedBefore: 2 },
    ]);
    expect(pipeline.stats()).toMatchObject({ processed: 4, dropped: 0, errors: 0 });
  });
});

/** `f` with a 4x2 input (the one SLOW_SUMMER asks for) prepared ahead, every element `value`. */
function withPrepared(f: Frame, value: number, dims = [1, 2, 4, 3]): Frame & FrameWithInputs {
  const key = inputRequestKey(toInputRequest(4, 2, "stretch")!);
  const transform = { sourceWidth: f.width, sourceHeight: f.height, inputWidth: 4, inputHeight: 2, cropX: 0, cropY: 0, scaleX: 4 / f.width, scaleY: 2 / f.height, padX: 0, padY: 0 };
  const data = new Float32Array(new SharedArrayBuffer(24 * 4)).fill(value);
  return { ...f, prepared: [{ key, prepared: { tensor: { type: "float32", data, dims }, transform } }] };
}

describe("prepared inputs in the sandbox", () => {
  it("the function's ctx.vision.resize returns the input the agent prepared, bytes and all", async () => {
    // A prepared tensor that differs from what the sandbox would compute shows which one was used.
    const used = await project.process(withPrepared(frame(0), 1000));
    expect(used.output?.counts).toEqual({ seq: 0, sum: 24_000, fsum: 24 });
    expect(used).toMatchObject({ preparedHits: 1, prepareMs: 0 });
    // A 3x1 frame is 9 bytes: the tensor after it is padded to a 4-byte boundary.
    const odd: Frame = { data: new Uint8Array(9).fill(2), width: 3, height: 1, seq: 1, ts: Date.now() };
    expect((await project.process(withPrepared(odd, 0.5))).output?.counts).toEqual({ seq: 1, sum: 12, fsum: 18 });
    const computed = await project.process(frame(2));
    expect(computed.output?.counts).toEqual(expected(2));
    expect(computed.preparedHits).toBe(0);
  });

  it("a frame message whose header claims more bytes than its body holds is refused", () => {
    const { message, body } = encodeFrame(1, withPrepared(frame(0), 1));
    const whole = new Uint8Array(Buffer.concat(body));
    const decoded = decodeFrame(message, whole);
    expect(decoded.prepared?.[0]?.prepared.tensor.data).toEqual(new Float32Array(24).fill(1));
    expect(() => decodeFrame(message, whole.subarray(0, whole.length - 4))).toThrow(/past the 116 byte body/);
    expect(() => decodeFrame(message, new Uint8Array(whole.length + 4))).toThrow(/accounts for 120 bytes, the body has 124/);
    expect(() => decodeFrame({ ...message, width: 400 }, whole)).toThrow(/needs 2400 bytes/);
  });

  it("a sandbox sent such a message stops with that reason, and the project restarts", async () => {
    const restarts = project.restarts;
    // dims for 48 elements over 24: the header claims 96 bytes more than the body carries.
    await expect(project.process(withPrepared(frame(0), 1, [1, 4, 4, 3]))).rejects.toMatchObject({
      code: "FUNCTION_FAILED",
      message: expect.stringContaining("channel broke: frame 0: a prepared input of 192 bytes at 24 is past the 120 byte body"),
    });
    await expect.poll(() => project.restarts, { timeout: 20_000 }).toBe(restarts + 1);
    expect((await project.process(frame(3))).output?.counts).toEqual(expected(3));
  });
});

describe("FramePool", () => {
  it("gives a frame's memory to the next frame once it is handed back, and a fresh one before", () => {
    const pool = new FramePool();
    const assembler = new FrameAssembler(6, pool);
    const [first] = assembler.push(new Uint8Array([1, 2, 3, 4, 5, 6]));
    const [second] = assembler.push(new Uint8Array([7, 8, 9, 10, 11, 12]));
    expect(second).not.toBe(first);
    expect([...first!]).toEqual([1, 2, 3, 4, 5, 6]);
    pool.give(first!);
    pool.give(new Uint8Array(6)); // not shared memory: not taken
    expect(pool.size).toBe(1);
    const [third] = assembler.push(new Uint8Array([13, 14, 15, 16, 17, 18]));
    expect(third).toBe(first);
    expect([...third!]).toEqual([13, 14, 15, 16, 17, 18]);
    expect([...second!]).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it("a frame shared by several readers (a camera's projects) is free again only when each gave it back", () => {
    const pool = new FramePool();
    const frame = pool.take(6);
    pool.share(frame, 3);
    pool.give(frame);
    pool.give(frame);
    expect(pool.size).toBe(0);
    pool.give(frame);
    expect(pool.size).toBe(1);
    const again = pool.take(6);
    expect(again).toBe(frame);
    pool.share(again, 0); // no reader wanted it: free at once
    expect(pool.size).toBe(1);
  });
});
