/**
 * The agent in steady state, end to end: the real broker, the real agent process running the
 * people-counter sample (CenterNet) on vtest.avi, results observed at a subscriber.
 *
 * - throughput: the source upsampled to 25 fps so the project is never idle (latest-frame
 *   semantics drop the rest); agent fps = results per second at the subscriber, compared with
 *   bare `session.run` fps of CenterNet at the same onnxruntime threads (target ratio >= 0.95);
 * - latency: the source at 5 fps (no queueing), capture -> result (`latencyMs.total`, inside
 *   the agent) and capture -> delivered to the subscriber (through spool and broker), p50/p99;
 *   (target, issue 15: p99 at most 1.5x the model's own median in the agent);
 * - RSS of the agent process (worker thread included) from its telemetry, against the idle agent
 *   (targets: at most 250 MB running, 80 MB idle).
 *
 * The agent runs as a device runs it: the production bundle (scripts/bundle.ts, built first into
 * apps/agent/dist), plain node, no TypeScript loader; `--source` runs src/cli.ts through tsx.
 *
 * Run: `pnpm --filter @edgelens/agent exec tsx bench/agent-steady.ts [--seconds 20] [--threads 1,2]
 * [--runs 30] [--source] [--json out.json]`. JSON on stdout, a summary on stderr, the `pnpm bench` fragment in `--json`.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import type { InferenceResult } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels } from "@edgelens/vision/models";
import { FAST_CONFIG } from "../test/support/agent-process";
import { startAgentStack, type AgentStack } from "../test/support/agent-stack";
import { removalState } from "../test/support/desired-state";
import { peopleCounter } from "../test/support/projects";
import { REPO_ROOT } from "../test/support/repo-root";
import { bareMedianMs, bracketByBare, firstFrame, sampleCase } from "./support/bare-run";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { median, percentile, round } from "./support/stats";

// A flag without a value, which readBenchOptions (numbers only) does not take: read and removed here.
const fromSource = process.argv.includes("--source");
if (fromSource) process.argv.splice(process.argv.indexOf("--source"), 1);
const { json, values: opt } = readBenchOptions({ seconds: 20, threads: [1, 2], runs: 30 });
const WARMUP_RESULTS = 5;
const IDLE_TELEMETRY = 3;

interface Arrival {
  at: number;
  result: InferenceResult;
}

function arrivals(stack: AgentStack, deploymentId: string): Arrival[] {
  return stack.observer
    .on(topics.infer(stack.deviceId))
    .map((m) => ({ at: m.at, result: JSON.parse(m.payload.toString()) as InferenceResult }))
    .filter((a) => a.result.deploymentId === deploymentId);
}

/** Deploys, waits out warm-up, observes for `--seconds`; results per second and latencies. */
async function phase(stack: AgentStack, id: string, config: { fps: number; threads: number }) {
  await stack.deploy(await peopleCounter(stack.artifacts, id, config));
  await stack.waitForState(id, "running", 120_000);
  await stack.waitForResults(id, WARMUP_RESULTS, 120_000);
  const start = arrivals(stack, id).length;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, opt.seconds * 1000));
  const window = arrivals(stack, id).slice(start);
  if (window.length < 2) throw new Error(`${id}: ${window.length} results in ${opt.seconds} s\n${stack.agentLog()}`);
  const seconds = (window.at(-1)!.at - window[0]!.at) / 1000;
  const inside = window.map((a) => a.result.latencyMs.total);
  const modelMs = window.map((a) => a.result.latencyMs.inference);
  const delivered = window.map((a) => a.at - a.result.ts);
  const rss = stack.telemetry().filter((t) => t.ts >= t0).map((t) => t.rssMb);
  const dropped = stack.telemetry().at(-1)?.droppedFrames ?? 0;
  return {
    results: window.length,
    fps: round((window.length - 1) / seconds),
    captureToResultMs: { p50: round(percentile(inside, 50)), p99: round(percentile(inside, 99)) },
    modelMsInAgent: round(median(modelMs)),
    captureToSubscriberMs: { p50: round(percentile(delivered, 50)), p99: round(percentile(delivered, 99)) },
    rssMb: { median: round(median(rss)), max: round(Math.max(...rss)) },
    droppedFrames: dropped,
  };
}

/** Stops the project so the agent idles while the bare runs share the machine with it. */
async function pause(stack: AgentStack, id: string): Promise<void> {
  await stack.deploy(removalState(id));
  await stack.waitForState(id, "removed");
}

/** Builds the agent's production bundle; its cli.js. */
function buildBundle(): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "scripts/bundle.ts"), "agent"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the agent bundle failed:\n${r.stdout}${r.stderr}`);
  return join(REPO_ROOT, "apps/agent/dist/cli.js");
}

await ensureSampleModels();
const bundledCli = fromSource ? undefined : buildBundle();
const frame = await firstFrame(mediaPath("vtest.avi"));
const feeds = sampleCase("centernet").input(frame);
const stack = await startAgentStack("bench-steady-1");
const rows = [];
let idleRssMb = Number.NaN;
let latency: Awaited<ReturnType<typeof phase>>;
try {
  await stack.startAgent({ ...FAST_CONFIG, logs: { level: "warn", ratePerSec: 5, burst: 20 } }, bundledCli);
  await stack.observer.until(() => stack.telemetry().length >= IDLE_TELEMETRY, "idle telemetry", 30_000);
  idleRssMb = round(median(stack.telemetry().map((t) => t.rssMb)));
  for (const threads of opt.threads) {
    const { result: r, bareMs } = await bracketByBare(
      () => bareMedianMs("centernet", threads, feeds, { warmup: 3, runs: opt.runs }),
      () => phase(stack, `steady-t${threads}`, { fps: 25, threads }),
      () => pause(stack, `pause-t${threads}`),
    );
    const bareFps = 1000 / bareMs;
    const row = { mode: "throughput", threads, ...r, bareMs: round(bareMs), bareFps: round(bareFps), ratio: round(r.fps / bareFps) };
    rows.push(row);
    process.stderr.write(
      `throughput t=${threads}: agent ${r.fps} fps vs bare ${row.bareFps} fps (ratio ${row.ratio}); model in agent ${r.modelMsInAgent} ms vs bare ${row.bareMs} ms; RSS ${r.rssMb.median} MB\n`,
    );
  }
  latency = await phase(stack, "latency-5fps", { fps: 5, threads: 2 });
  process.stderr.write(
    `latency at 5 fps: capture->result p50 ${latency.captureToResultMs.p50} / p99 ${latency.captureToResultMs.p99} ms; capture->subscriber p50 ${latency.captureToSubscriberMs.p50} / p99 ${latency.captureToSubscriberMs.p99} ms; RSS ${latency.rssMb.median} MB (max ${latency.rssMb.max}, idle ${idleRssMb})\n`,
  );
} finally {
  await stack.stop();
}

const details = {
  bench: "agent/agent-steady",
  project: "people-counter (CenterNet)",
  agent: bundledCli ? "production bundle (apps/agent/dist/cli.js)" : "src/cli.ts through tsx",
  input: { video: "vtest.avi", width: frame.width, height: frame.height, seconds: opt.seconds },
  machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map(round) },
  idleRssMb,
  rows: [...rows, { mode: "latency", threads: 2, sourceFps: 5, ...latency }],
};
process.stdout.write(`${JSON.stringify(details)}\n`);

const inAgent = { name: "CenterNet run inside the agent (median)", value: latency.modelMsInAgent, unit: "ms" };
const figures: Figure[] = [
  ...rows.map((r) => ({
    name: `agent fps, people-counter on vtest.avi at 25 fps, ${r.threads} thread${r.threads > 1 ? "s" : ""}`,
    value: r.fps,
    unit: "fps",
    comparedTo: { name: "bare CenterNet session.run rate (1000 / median ms)", value: r.bareFps, unit: "fps" },
    target: { on: "ratio" as const, min: 0.95 },
  })),
  { name: "capture -> result p50 at 5 fps (inside the agent)", value: latency.captureToResultMs.p50, unit: "ms", comparedTo: inAgent },
  { name: "capture -> result p99 at 5 fps (inside the agent)", value: latency.captureToResultMs.p99, unit: "ms", comparedTo: inAgent, target: { on: "ratio", max: 1.5 } },
  {
    name: "capture -> subscriber p50 at 5 fps (spool + broker)",
    value: latency.captureToSubscriberMs.p50,
    unit: "ms",
    comparedTo: { name: "capture -> result p50 (inside the agent)", value: latency.captureToResultMs.p50, unit: "ms" },
  },
  {
    name: "capture -> subscriber p99 at 5 fps (spool + broker)",
    value: latency.captureToSubscriberMs.p99,
    unit: "ms",
    comparedTo: { name: "capture -> result p99 (inside the agent)", value: latency.captureToResultMs.p99, unit: "ms" },
  },
  {
    name: "one people-counter frame, stage: publish (spool + broker to the subscriber, p50)",
    value: round(latency.captureToSubscriberMs.p50 - latency.captureToResultMs.p50),
    unit: "ms",
    comparedTo: { name: "capture -> subscriber p50", value: latency.captureToSubscriberMs.p50, unit: "ms" },
  },
  {
    name: "agent RSS running people-counter (median)",
    value: latency.rssMb.median,
    unit: "MB",
    comparedTo: { name: "idle agent, no project (median)", value: idleRssMb, unit: "MB" },
    target: { on: "value", max: 250 },
  },
  { name: "idle agent RSS, no project (median)", value: idleRssMb, unit: "MB", comparedTo: null, target: { on: "value", max: 80 } },
];
writeFragment(json, "agent-steady", figures, details);
