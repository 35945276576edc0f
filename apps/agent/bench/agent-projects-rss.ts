/**
 * Memory of the real agent with no project, one project and three projects (issue 16): the agent
 * process and the sandbox process of each project (apps/agent/src/runtime: one child per project,
 * its onnxruntime sessions inside), read from `ps` for the agent's whole process tree while results
 * flow. Projects, all on vtest.avi at a few fps: people-counter (CenterNet), face-detection
 * (BlazeFace) and pose (MoveNet), each with 1 thread.
 *
 * Run: `pnpm --filter @edgelens/agent exec tsx bench/agent-projects-rss.ts [--seconds 10]
 * [--json out.json]`. JSON on stdout, a summary on stderr, the `pnpm bench` fragment in `--json`.
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { desiredProjectsOf, type DesiredProject, type DesiredStateV2 } from "@edgelens/shared/schemas";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { getTemplate } from "@edgelens/vision/templates";
import { FAST_CONFIG } from "../test/support/agent-process";
import { startAgentStack, type AgentStack } from "../test/support/agent-stack";
import { buildDesiredState } from "../test/support/desired-state";
import { peopleCounter, vtestSource } from "../test/support/projects";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { median, round } from "./support/stats";

const { json, values: opt } = readBenchOptions({ seconds: 10 });

interface TreeRss {
  agentMb: number;
  /** The agent's descendants: project sandboxes and ffmpeg decoders. */
  childrenMb: number;
  totalMb: number;
  processes: number;
}

/** RSS of `root` and every process below it, from one `ps` listing. */
function treeRss(root: number): TreeRss {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (!inTree.has(ppid) || inTree.has(pid)) continue;
      inTree.add(pid);
      grew = true;
    }
  }
  let agentKb = 0;
  let childrenKb = 0;
  for (const [pid, , rss] of rows) if (pid === root) agentKb = rss;
  else if (inTree.has(pid)) childrenKb += rss;
  return { agentMb: round(agentKb / 1024), childrenMb: round(childrenKb / 1024), totalMb: round((agentKb + childrenKb) / 1024), processes: inTree.size };
}

async function sample(root: number, seconds: number): Promise<TreeRss> {
  const samples: TreeRss[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    samples.push(treeRss(root));
    await new Promise((r) => setTimeout(r, 500));
  }
  const med = (k: keyof TreeRss) => round(median(samples.map((s) => s[k])));
  return { agentMb: med("agentMb"), childrenMb: med("childrenMb"), totalMb: med("totalMb"), processes: Math.max(...samples.map((s) => s.processes)) };
}

async function templateProject(stack: AgentStack, template: string, model: "blazeface" | "movenet", name: string, deploymentId: string): Promise<DesiredProject> {
  const t = getTemplate(template);
  const v1 = await buildDesiredState(stack.artifacts, {
    deploymentId,
    projectId: template,
    functionSource: t.functionSource,
    models: { [name]: getSampleModel(model).path },
    config: { ...t.defaultConfig, source: vtestSource(), fps: 3, threads: 1 },
  });
  return desiredProjectsOf(v1).projects[0]!;
}

async function runUntilResults(stack: AgentStack, state: DesiredStateV2): Promise<void> {
  await stack.deploy(state);
  for (const p of state.projects) {
    await stack.waitForState(p.deploymentId, "running");
    await stack.waitForResults(p.deploymentId, 3);
  }
}

await ensureSampleModels();
const stack = await startAgentStack("bench-rss");
try {
  await stack.startAgent({ ...FAST_CONFIG, deploy: { ...FAST_CONFIG.deploy, cpuThreads: 3 } });
  const pid = stack.agent!.started.pid!;
  const idle = await sample(pid, Math.min(5, opt.seconds));
  const people = desiredProjectsOf(await peopleCounter(stack.artifacts, "rss-people", { fps: 3, threads: 1 })).projects[0]!;
  await runUntilResults(stack, { version: 2, deploymentId: "rss-people", projects: [people], ts: Date.now() });
  const one = await sample(pid, opt.seconds);
  const faces = await templateProject(stack, "face-detection", "blazeface", "faces", "rss-faces");
  const pose = await templateProject(stack, "pose", "movenet", "pose", "rss-pose");
  await runUntilResults(stack, { version: 2, deploymentId: "rss-three", projects: [people, faces, pose], ts: Date.now() });
  const three = await sample(pid, opt.seconds);
  const load = loadavg().map((l) => round(l));
  const line = (label: string, r: TreeRss) => `${label.padEnd(14)} agent ${r.agentMb} MB + ${r.processes - 1} processes below it ${r.childrenMb} MB = ${r.totalMb} MB\n`;
  process.stderr.write(line("idle", idle) + line("1 project", one) + line("3 projects", three) + `load average ${load.join(" ")}\n`);
  const details = { bench: "agent/agent-projects-rss", unit: "MB", statistic: "median over the sampling window", seconds: opt.seconds, idle, one, three, load };
  process.stdout.write(`${JSON.stringify(details)}\n`);
  const figures: Figure[] = [
    { name: "agent process tree RSS, 3 projects (median)", value: three.totalMb, unit: "MB", comparedTo: { name: "1 project", value: one.totalMb, unit: "MB" } },
    { name: "agent process RSS, 3 projects (median)", value: three.agentMb, unit: "MB", comparedTo: { name: "idle agent", value: idle.agentMb, unit: "MB" } },
  ];
  writeFragment(json, "agent-projects-rss", figures, details);
} finally {
  await stack.stop();
}
