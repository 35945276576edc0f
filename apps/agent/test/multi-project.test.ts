import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredProjectsOf, type DesiredProject, type DesiredStateV1, type DesiredStateV2 } from "@edgelens/shared/schemas";
import { findMediaDir } from "@edgelens/vision/media";
import { getSampleModel } from "@edgelens/vision/models";
import { getTemplate } from "@edgelens/vision/templates";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, seqGaps, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";
import { peopleCounter } from "./support/projects";

const THROWS_ON_EVERY_FRAME = `
import { defineProject } from "@edgelens/vision/project";
export default defineProject({
  infer() {
    throw new Error("broken on purpose");
  },
});
`;

const entryOf = (v1: DesiredStateV1): DesiredProject => desiredProjectsOf(v1).projects[0]!;
const list = (deploymentId: string, projects: DesiredProject[]): DesiredStateV2 => ({ version: 2, deploymentId, projects, ts: Date.now() });

/**
 * Several projects on one real agent (real broker, real onnxruntime, real ffmpeg): an old
 * single-project payload, a second project added by a version-2 list, a broken third failing
 * alone, and an undeploy that leaves the rest numbering their results without a gap. The steps
 * run in order on one device, each starting from what the one before left.
 */
describe("several projects on one agent", () => {
  let stack: AgentStack;
  let people: DesiredProject;
  let faces: DesiredProject;

  beforeAll(async () => {
    stack = await startAgentStack("cam-multi-1");
    // A 4-thread budget whatever the test box has: two projects of one model get 2 threads each.
    await stack.startAgent({ ...FAST_CONFIG, deploy: { ...FAST_CONFIG.deploy, cpuThreads: 4 } });
    const t = getTemplate("face-detection");
    faces = entryOf(
      await buildDesiredState(stack.artifacts, {
        deploymentId: "mp-faces",
        projectId: "faces",
        functionSource: t.functionSource,
        models: { faces: getSampleModel("blazeface").path },
        // Its own source, the photo folder (dir://), beside the people counter's video. This once
        // crashed the agent (a native Napi::Error with two projects' sessions in one process);
        // since each project runs in its own sandbox process it does not (3 of 3 runs pass).
        config: { ...t.defaultConfig, source: `dir://${findMediaDir()}?loop=1`, fps: 2, width: 384, height: 288 },
      }),
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const projectsReported = () => stack.reported().at(-1)?.projects ?? [];

  it("runs a single-project (version 1) desired state as a list of one", async () => {
    // Its own thread count (config.threads overrides the budget's share): no reload when the
    // list grows, so fewer onnxruntime sessions overlap (the crash noted above happened with overlapping sessions).
    const v1 = await peopleCounter(stack.artifacts, "mp-people", { fps: 2, threads: 2 });
    people = entryOf(v1);
    await stack.deploy(v1);
    await stack.waitForState("mp-people", "running");
    await stack.waitForResults("mp-people", 2);
    await stack.observer.until(
      () => projectsReported().length === 1 && projectsReported()[0]!.state === "running",
      () => `one running project reported: ${JSON.stringify(stack.reported().at(-1))}`,
    );
    expect(projectsReported()[0]).toMatchObject({ deploymentId: "mp-people", project: { id: "people-counter", version: 1 }, threads: 2 });
    expect(projectsReported()[0]!.source).toContain("vtest.avi");
  }, 120_000);

  it("adds a second project from a version-2 list; both run, sharing the CPU budget", async () => {
    await stack.deploy(list("mp-faces", [people, faces]));
    await stack.waitForState("mp-faces", "running", 100_000);
    const before = stack.results("mp-people").length;
    await stack.waitForResults("mp-faces", 2);
    await stack.waitForResults("mp-people", before + 2);
    // Two listed: the new project gets half the 4-thread budget; the first keeps its own 2.
    await stack.observer.until(
      () => projectsReported().length === 2 && projectsReported().every((p) => p.threads === 2 && p.state === "running"),
      () => `two projects of 2 threads each: ${JSON.stringify(projectsReported())}\n${stack.agentLog(40)}`,
    );
    await stack.observer.until(
      () => (stack.telemetry().at(-1)?.projects ?? []).filter((p) => p.cpuMs > 0 && p.fps >= 0).length === 2,
      () => `per-project CPU time in telemetry: ${JSON.stringify(stack.telemetry().at(-1))}`,
    );
    expect(stack.progress("mp-people").map((p) => p.state)).not.toContain("removed");
  }, 120_000);

  it("fails a corrupt model and a broken function alone: the other two keep publishing", async () => {
    // A corrupt model: onnxruntime refuses it in that project's sandbox process; the agent and
    // the other projects' processes run on (this once killed the whole agent, a native Napi::Error).
    const junk = join(tmpdir(), `edgelens-corrupt-${process.pid}.onnx`);
    writeFileSync(junk, Buffer.alloc(4096, 0x5a));
    const corrupt = entryOf(
      await buildDesiredState(stack.artifacts, {
        deploymentId: "mp-corrupt",
        projectId: "corrupt",
        functionSource: getTemplate("face-detection").functionSource,
        models: { faces: junk },
        config: { source: "testsrc://testsrc?size=160x120&rate=5", fps: 5 },
      }),
    );
    rmSync(junk, { force: true });
    await stack.deploy(list("mp-corrupt", [people, faces, corrupt]));
    const refused = await stack.waitForState("mp-corrupt", "failed");
    expect(refused).toMatchObject({ code: "MODEL_LOAD_FAILED" });
    for (const id of ["mp-people", "mp-faces"]) {
      const n = stack.results(id).length;
      await stack.waitForResults(id, n + 2);
    }
    // Its function throws on every frame.
    const broken = entryOf(
      await buildDesiredState(stack.artifacts, {
        deploymentId: "mp-broken",
        projectId: "broken",
        version: 3,
        functionSource: THROWS_ON_EVERY_FRAME,
        models: {},
        config: { source: "testsrc://testsrc?size=160x120&rate=5", fps: 5 },
      }),
    );
    await stack.deploy(list("mp-broken", [people, faces, broken]));
    const failed = await stack.waitForState("mp-broken", "failed");
    expect(failed).toMatchObject({ code: "FUNCTION_FAILED", reason: expect.stringContaining("broken on purpose") });
    // Nothing of it ran before: there is nothing to roll back to.
    expect(stack.progress("mp-broken").map((p) => p.state)).not.toContain("rolled-back");
    for (const id of ["mp-people", "mp-faces"]) {
      const n = stack.results(id).length;
      await stack.waitForResults(id, n + 2);
    }
    await stack.observer.until(
      () => projectsReported().find((p) => p.project.id === "broken")?.state === "failed",
      () => `broken reported failed: ${JSON.stringify(projectsReported())}`,
    );
    const reported = stack.reported().at(-1)!;
    expect(reported).toMatchObject({ state: "running", lastError: { deploymentId: "mp-broken", code: "FUNCTION_FAILED" } });
    expect(projectsReported().filter((p) => p.state === "running").map((p) => p.project.id)).toEqual(["people-counter", "faces"]);
  }, 120_000);

  it("undeploys two of three under the list's own id; the one left numbers its results without a gap", async () => {
    await stack.deploy(list("mp-undeploy", [people]));
    await stack.waitForState("mp-undeploy", "removed");
    const n = stack.results("mp-people").length;
    await stack.waitForResults("mp-people", n + 3);
    expect(seqGaps(stack.results("mp-people"))).toEqual([]);
    expect(stack.results("mp-people")[0]!.seq).toBe(0);
    expect(seqGaps(stack.results("mp-faces"))).toEqual([]);
    await stack.observer.until(
      () => projectsReported().length === 1 && projectsReported()[0]!.project.id === "people-counter",
      () => `only people-counter reported: ${JSON.stringify(projectsReported())}`,
    );
    // The removed project publishes no more once its removal is reported.
    const facesAfter = stack.results("mp-faces").length;
    await stack.waitForResults("mp-people", stack.results("mp-people").length + 2);
    expect(stack.results("mp-faces").length).toBe(facesAfter);
  }, 120_000);
});
