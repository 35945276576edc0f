/**
 * What the agent's path adds to a bare model run. Per sample model, at 1 and 2 onnxruntime threads:
 * - bare: median of `ModelRunner.run` on the template's own input tensor (from a vtest.avi frame);
 * - pipeline: the simulator's path (`edgelens-agent infer`: ffmpeg decode -> pipeline -> project
 *   worker -> template's pre-processing, run, post-processing -> InferenceResult), as the median
 *   interval between consecutive results on vtest.avi, after warm-up frames, so ffmpeg's and the
 *   worker's start-up are left out;
 * and their ratio (target: at most 1.10). Run: `pnpm --filter @edgelens/agent exec tsx
 * bench/pipeline-vs-bare.ts`. JSON on stdout, a table on stderr.
 */
import { availableParallelism, loadavg } from "node:os";
import { ensureSampleModels, getSampleModel, type SampleModelName } from "@edgelens/vision/models";
import { createOrtModelRunner, type TensorLike } from "@edgelens/vision/onnx";
import { mediaPath } from "@edgelens/vision/media";
import { visionHelpers } from "@edgelens/vision";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { loadProject } from "../src/runtime/index";
import { createFrameSource } from "../src/sources/index";
import { resolveProject, runSimulation } from "../src/simulator/index";

const THREADS = [1, 2];
const BARE_WARMUP = 3;
const BARE_RUNS = 20;
const PIPELINE_WARMUP = 5;
const PIPELINE_FRAMES = 35;

/** Each sample model with the template that runs it and the input that template builds. */
const CASES: { model: SampleModelName; template: string; input(frame: Frame): Record<string, TensorLike> }[] = [
  { model: "centernet", template: "object-detection", input: (f) => ({ "tower_0/images": visionHelpers.resize(f, 512, 512).tensor }) },
  { model: "blazeface", template: "face-detection", input: (f) => ({ input: visionHelpers.letterbox(f, 256, 256, { normalize: "symmetric" }).tensor }) },
  { model: "movenet", template: "pose", input: (f) => ({ input: visionHelpers.letterbox(f, 192, 192, { dtype: "int32" }).tensor }) },
  {
    model: "ppocr-det",
    template: "text-detection",
    input: (f) => {
      const size = visionHelpers.fitInputSize(f.width, f.height, 960, 32);
      return { x: visionHelpers.resize(f, size.width, size.height, { layout: "nchw", normalize: "imagenet", channelOrder: "bgr" }).tensor };
    },
  },
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (v: number): number => Math.round(v * 100) / 100;

async function firstFrame(path: string): Promise<Frame> {
  const source = createFrameSource(path, { realtime: false, restart: false });
  let frame: Frame | undefined;
  source.start((f) => {
    frame ??= f;
    void source.stop();
  });
  await source.wait();
  if (!frame) throw new Error(`no frame in ${path}`);
  return frame;
}

async function bare(model: SampleModelName, threads: number, feeds: Record<string, TensorLike>): Promise<number> {
  const runner = await createOrtModelRunner(getSampleModel(model).path, { name: model, threads });
  try {
    for (let i = 0; i < BARE_WARMUP; i++) await runner.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < BARE_RUNS; i++) {
      const t = performance.now();
      await runner.run(feeds);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await runner.dispose();
  }
}

interface PipelineTimes {
  /** Median interval between consecutive results after warm-up: the full per-frame cost. */
  frameMs: number;
  /** Medians over the run: capture to result, the function's infer call, the models. */
  latencyMs: number;
  functionMs: number;
  inferenceMs: number;
}

const NOOP_FUNCTION = "export default { infer(frame) { return { counts: { seq: frame.seq } }; } };";

/** The agent's own cost with a function that does nothing: worker round trip on a 768x576 frame. */
async function noopRoundTrip(frame: Frame): Promise<number> {
  const { code } = await compileProjectFunction(NOOP_FUNCTION, { filename: "noop.js" });
  const handle = await loadProject({ projectId: "noop", code, models: {} });
  try {
    const times: number[] = [];
    for (let i = 0; i < 120; i++) {
      const r = await handle.process({ ...frame, seq: i });
      if (i >= 20) times.push(r.roundTripMs);
    }
    return median(times);
  } finally {
    await handle.dispose();
  }
}

async function pipeline(template: string | null, threads: number, video: string): Promise<PipelineTimes> {
  const project =
    template === null
      ? { projectId: "noop", models: {}, config: {}, code: (await compileProjectFunction(NOOP_FUNCTION, { filename: "noop.js" })).code }
      : await resolveProject({ template });
  const arrivals: number[] = [];
  const { stats } = await runSimulation({
    ...project,
    input: video,
    threads,
    maxFrames: PIPELINE_WARMUP + PIPELINE_FRAMES,
    onResult: () => arrivals.push(performance.now()),
    onLog: () => undefined,
  });
  const steady = arrivals.slice(PIPELINE_WARMUP);
  const intervals = steady.slice(1).map((t, i) => t - (steady[i] as number));
  return { frameMs: median(intervals), latencyMs: stats.latencyMs.p50, functionMs: stats.functionMs.p50, inferenceMs: stats.inferenceMs.p50 };
}

await ensureSampleModels();
const video = mediaPath("vtest.avi");
const frame = await firstFrame(video);
const noop = { roundTripMs: round(await noopRoundTrip(frame)), simulatorMs: round((await pipeline(null, 1, video)).frameMs) };
process.stderr.write(
  `no-op function: worker round trip ${noop.roundTripMs.toFixed(2)} ms, simulator ${noop.simulatorMs.toFixed(2)} ms/frame (ffmpeg decode of vtest.avi included)\n`,
);
const results = [];
for (const c of CASES) {
  const feeds = c.input(frame);
  for (const threads of THREADS) {
    // Bare runs before and after the pipeline run: on a shared machine load drifts between them.
    const bareBefore = await bare(c.model, threads, feeds);
    const p = await pipeline(c.template, threads, video);
    const bareMs = (bareBefore + (await bare(c.model, threads, feeds))) / 2;
    const row = {
      model: c.model,
      template: c.template,
      threads,
      bareMs: round(bareMs),
      pipelineMs: round(p.frameMs),
      ratio: round(p.frameMs / bareMs),
      functionMs: round(p.functionMs),
      modelInPipelineMs: round(p.inferenceMs),
      latencyMs: round(p.latencyMs),
    };
    results.push(row);
    process.stderr.write(
      `${c.model.padEnd(10)} t=${threads}  bare ${row.bareMs.toFixed(1).padStart(6)} ms  pipeline ${row.pipelineMs.toFixed(1).padStart(6)} ms/frame  ratio ${row.ratio.toFixed(2)}` +
        `  (function ${row.functionMs.toFixed(1)} ms, of which models ${row.modelInPipelineMs.toFixed(1)} ms; capture->result ${row.latencyMs.toFixed(1)} ms)\n`,
    );
  }
}
process.stdout.write(
  `${JSON.stringify({
    bench: "agent/pipeline-vs-bare",
    input: { video: "vtest.avi", width: frame.width, height: frame.height, frames: PIPELINE_FRAMES, warmup: PIPELINE_WARMUP },
    machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map(round) },
    noop,
    results,
  })}\n`,
);
