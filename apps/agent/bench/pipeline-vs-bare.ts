/**
 * What the agent's path adds to a bare model run. Per sample model, at 1 and 2 onnxruntime threads:
 * - bare: median of `ModelRunner.run` on the template's own input tensor (from a vtest.avi frame);
 * - pipeline: the simulator's path (`edgelens-agent infer`: ffmpeg decode -> pipeline -> project
 *   worker -> template's pre-processing, run, post-processing -> InferenceResult), as the median
 *   interval between consecutive results on vtest.avi, after warm-up frames, so ffmpeg's and the
 *   worker's start-up are left out;
 * and their ratio (target: at most 1.10). Run: `pnpm --filter @edgelens/agent exec tsx
 * bench/pipeline-vs-bare.ts [--threads 1,2] [--frames 35] [--warmup-frames 5] [--runs 20]
 * [--json out.json]`. JSON on stdout, a table on stderr, the `pnpm bench` fragment in `--json`.
 */
import { availableParallelism, loadavg } from "node:os";
import { ensureSampleModels } from "@edgelens/vision/models";
import { mediaPath } from "@edgelens/vision/media";
import { compileProjectFunction, type Frame } from "@edgelens/vision/project";
import { loadProject } from "../src/runtime/index";
import { resolveProject, runSimulation } from "../src/simulator/index";
import { bareMedianMs, bracketByBare, firstFrame, SAMPLE_CASES } from "./support/bare-run";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { median, round } from "./support/stats";

const { json, values: opt } = readBenchOptions({ threads: [1, 2], frames: 35, "warmup-frames": 5, runs: 20, "bare-warmup": 3 });
const bareCounts = { warmup: opt["bare-warmup"], runs: opt.runs };
const NOOP_RUNS = 120;
const NOOP_WARMUP = 20;

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
    for (let i = 0; i < NOOP_RUNS; i++) {
      const r = await handle.process({ ...frame, seq: i });
      if (i >= NOOP_WARMUP) times.push(r.roundTripMs);
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
    maxFrames: opt["warmup-frames"] + opt.frames,
    onResult: () => arrivals.push(performance.now()),
    onLog: () => undefined,
  });
  const steady = arrivals.slice(opt["warmup-frames"]);
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
for (const c of SAMPLE_CASES) {
  const feeds = c.input(frame);
  for (const threads of opt.threads) {
    const { result: p, bareMs } = await bracketByBare(
      () => bareMedianMs(c.model, threads, feeds, bareCounts),
      () => pipeline(c.template, threads, video),
    );
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
const details = {
  bench: "agent/pipeline-vs-bare",
  input: { video: "vtest.avi", width: frame.width, height: frame.height, frames: opt.frames, warmup: opt["warmup-frames"], bareRuns: opt.runs },
  machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map(round) },
  noop,
  results,
};
process.stdout.write(`${JSON.stringify(details)}\n`);

const figures: Figure[] = results.map((r) => ({
  name: `${r.model} (${r.template}): simulator path per frame, ${r.threads} thread${r.threads > 1 ? "s" : ""}`,
  value: r.pipelineMs,
  unit: "ms",
  comparedTo: { name: "bare session.run, same input (median)", value: r.bareMs, unit: "ms" },
  target: { on: "ratio", max: 1.1 },
}));
figures.push({
  name: "no-op function: worker round trip of a 768x576 frame",
  value: noop.roundTripMs,
  unit: "ms",
  comparedTo: { name: "no-op simulator path per frame (ffmpeg decode included)", value: noop.simulatorMs, unit: "ms" },
});
writeFragment(json, "pipeline-vs-bare", figures, details);
