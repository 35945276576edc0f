/**
 * Deploy latency: from publishing a new retained desired state to the first result of the new
 * project at a subscriber, for the people-counter sample (CenterNet, 4.2 MB) on vtest.avi over
 * loopback. Three cases, `--runs` times each (median reported):
 * - cold: a fresh agent data dir (empty cache), nothing running: download + verify + load + first frame;
 * - cached: artifacts in the cache, nothing running (after a removal);
 * - cached-replace: artifacts cached, the previous project running on the same source (the
 *   candidate proves itself on the running source, then takes over).
 * Target: cold < 3 s. The floor cold deploy is compared against: opening CenterNet's onnxruntime
 * session and its first run in this process (no download, no worker, no source).
 * Run: `pnpm --filter @edgelens/agent exec tsx bench/agent-deploy.ts [--runs 3] [--json out.json]`.
 */
import { mkdirSync, rmSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import { startAgentStack, type AgentStack } from "../test/support/agent-stack";
import { removalState } from "../test/support/desired-state";
import { peopleCounter } from "../test/support/projects";
import { firstFrame, sampleCase } from "./support/bare-run";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { median, round } from "./support/stats";

const { json, values: opt } = readBenchOptions({ runs: 3 });
let counter = 0;

interface Sample {
  totalMs: number;
  steps: Record<string, number>;
}

/** Publishes a fresh deployment; times its steps and its first result relative to the publish. */
async function deployTimed(stack: AgentStack): Promise<Sample> {
  const id = `bench-${++counter}`;
  const desired = await peopleCounter(stack.artifacts, id, { fps: 10 });
  const t0 = Date.now();
  await stack.deploy(desired);
  await stack.waitForResults(id, 1, 120_000);
  const first = stack.observer.on(topics.infer(stack.deviceId)).find((m) => JSON.parse(m.payload.toString()).deploymentId === id)!;
  const steps: Record<string, number> = {};
  for (const m of stack.observer.on(topics.deployment(stack.deviceId, id))) {
    const p = JSON.parse(m.payload.toString()) as { state: string; pct?: number };
    const key = p.state === "downloading" ? `downloading${p.pct === 100 ? "-100" : p.pct === 0 ? "-0" : ""}` : p.state;
    if (key === "downloading") continue;
    steps[key] ??= m.at - t0;
  }
  return { totalMs: first.at - t0, steps };
}

async function freshAgent(stack: AgentStack): Promise<void> {
  await stack.agent?.stop();
  // The retained desired state would otherwise redeploy itself into the fresh agent.
  await stack.observer.publish(topics.shadowDesired(stack.deviceId), "", { retain: true });
  rmSync(stack.dataDir, { recursive: true, force: true });
  mkdirSync(stack.dataDir, { recursive: true });
  await stack.startAgent();
}

const summarize = (samples: Sample[]) => ({
  medianMs: round(median(samples.map((s) => s.totalMs))),
  samplesMs: samples.map((s) => s.totalMs),
  steps: samples.map((s) => s.steps),
});

/** Session open + first run of CenterNet in this process: what any deploy of it must at least spend. */
async function bareLoadMs(): Promise<number> {
  const feeds = sampleCase("centernet").input(await firstFrame(mediaPath("vtest.avi")));
  const t = performance.now();
  const runner = await createOrtModelRunner(getSampleModel("centernet").path, { name: "centernet", threads: 2 });
  try {
    await runner.run(feeds);
    return performance.now() - t;
  } finally {
    await runner.dispose();
  }
}

await ensureSampleModels();
const bareLoad = round(await bareLoadMs());
const stack = await startAgentStack("bench-deploy-1");
const cold: Sample[] = [];
const cached: Sample[] = [];
const replace: Sample[] = [];
try {
  for (let i = 0; i < opt.runs; i++) {
    await freshAgent(stack);
    cold.push(await deployTimed(stack));
    replace.push(await deployTimed(stack));
    const removal = `bench-remove-${i}`;
    await stack.deploy(removalState(removal));
    await stack.waitForState(removal, "removed");
    cached.push(await deployTimed(stack));
    process.stderr.write(`run ${i + 1}: cold ${cold.at(-1)!.totalMs} ms, cached ${cached.at(-1)!.totalMs} ms, cached-replace ${replace.at(-1)!.totalMs} ms\n`);
  }
} finally {
  await stack.stop();
}
const out = { cold: summarize(cold), cached: summarize(cached), cachedReplace: summarize(replace) };
process.stderr.write(`median: cold ${out.cold.medianMs} ms, cached ${out.cached.medianMs} ms, cached-replace ${out.cachedReplace.medianMs} ms; bare load + first run ${bareLoad} ms\n`);
const details = {
  bench: "agent/agent-deploy",
  project: "people-counter (CenterNet 4.2 MB), vtest.avi at 10 fps, loopback",
  runs: opt.runs,
  machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map(round) },
  bareLoadMs: bareLoad,
  ...out,
};
process.stdout.write(`${JSON.stringify(details)}\n`);

const coldRef = { name: "cold deploy (median)", value: out.cold.medianMs, unit: "ms" };
const figures: Figure[] = [
  {
    name: "deploy cold (empty cache): publish -> first result, median",
    value: out.cold.medianMs,
    unit: "ms",
    comparedTo: { name: "bare CenterNet session open + first run, 2 threads", value: bareLoad, unit: "ms" },
    target: { on: "value", max: 3000 },
  },
  { name: "deploy cached, nothing running: publish -> first result, median", value: out.cached.medianMs, unit: "ms", comparedTo: coldRef },
  { name: "deploy cached, replacing a running project, median", value: out.cachedReplace.medianMs, unit: "ms", comparedTo: coldRef },
];
writeFragment(json, "agent-deploy", figures, details);
