/**
 * Shared decoding: 1, 2 and 4 projects (the people-counter template on CenterNet, `--threads` per
 * model each) reading one camera (vtest.avi looped, paced at its 10 fps like a camera) through the
 * agent's CameraHub: results per second per project and in all, against one project alone, and
 * the ffmpeg processes decoding it (one, whatever the number of projects). A second project
 * should cost its model time, not another decode. Run: `pnpm --filter @edgelens/agent exec tsx
 * bench/camera-sharing.ts [--projects 1,2,4] [--seconds 10] [--warmup 3] [--threads 1] [--json out.json]`.
 */
import { execFileSync } from "node:child_process";
import { mediaPath } from "@edgelens/vision/media";
import { CameraHub } from "../src/cameras/camera-hub";
import { Pipeline } from "../src/pipeline/index";
import { loadProject, type ProjectHandle } from "../src/runtime/index";
import { resolveProject } from "../src/simulator/index";
import { createLogger } from "../src/telemetry/logger";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { round } from "./support/stats";

const { json, values: opt } = readBenchOptions({ projects: [1, 2, 4], seconds: 10, warmup: 3, threads: 1 });
const VIDEO = mediaPath("vtest.avi");

interface Outcome {
  projects: number;
  /** Results per second of each project. */
  perProject: number[];
  total: number;
  decodeFps: number;
  ffmpegProcesses: number;
}

function ffmpegChildren(): number {
  const out = execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes("ffmpeg") && l.includes("vtest.avi")).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(n: number): Promise<Outcome> {
  const project = await resolveProject({ template: "people-counter" });
  const hub = new CameraHub({ log: createLogger({ level: "error", sinks: [] }) });
  hub.set([{ name: "lobby", uri: `file://${VIDEO}?loop=1` }]);
  const handles: ProjectHandle[] = [];
  const counts: number[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    for (let i = 0; i < n; i++) {
      handles.push(await loadProject({ projectId: `p${i}`, code: project.code, models: project.models, config: project.config, threads: opt.threads }));
    }
    handles.forEach((handle, i) => {
      const { source, framePool } = hub.open("lobby", `p${i}`);
      const pipeline = new Pipeline({ project: handle, policy: "latest", releaseFrame: (f) => framePool.give(f.data) });
      counts[i] = 0;
      pipeline.on("result", () => (counts[i] = (counts[i] ?? 0) + 1));
      source.start(pipeline.onFrame);
      stops.push(async () => {
        await source.stop();
        await pipeline.idle();
      });
    });
    await sleep(opt.warmup * 1000);
    const start = [...counts];
    const t0 = performance.now();
    await sleep(opt.seconds * 1000);
    const s = (performance.now() - t0) / 1000;
    const perProject = counts.map((c, i) => round((c - (start[i] ?? 0)) / s));
    return { projects: n, perProject, total: round(perProject.reduce((a, b) => a + b, 0)), decodeFps: hub.status()[0]?.fps ?? 0, ffmpegProcesses: ffmpegChildren() };
  } finally {
    for (const stop of stops) await stop();
    await hub.stop();
    for (const h of handles) await h.dispose();
  }
}

const outcomes: Outcome[] = [];
for (const n of opt.projects) {
  const o = await measure(n);
  outcomes.push(o);
  process.stderr.write(`${n} project(s) on one camera: ${o.perProject.join(", ")} results/s each, ${o.total} in all; camera ${o.decodeFps} fps decoded by ${o.ffmpegProcesses} ffmpeg\n`);
}
const one = outcomes.find((o) => o.projects === 1) ?? outcomes[0]!;
const figures: Figure[] = outcomes.flatMap((o) => [
  {
    name: `${o.projects} project(s) on one camera: results/s per project (mean)`,
    value: round(o.total / o.projects),
    unit: "results/s",
    comparedTo: { name: "one project alone", value: one.total, unit: "results/s" },
  },
  { name: `${o.projects} project(s) on one camera: ffmpeg processes`, value: o.ffmpegProcesses, unit: "processes", comparedTo: null, target: { on: "value", max: 1 } },
]);
writeFragment(json, "camera-sharing", figures, { outcomes, threads: opt.threads, video: VIDEO });
process.stdout.write(`${JSON.stringify({ outcomes }, null, 2)}\n`);
