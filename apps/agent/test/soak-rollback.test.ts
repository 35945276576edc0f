import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DesiredProject, ReportedState } from "@edgelens/shared/schemas";
import { SoakJudge, soakParamsOf } from "../src/deploy/soak-watch";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { onlyProject, soakProject } from "./support/soak-project";

interface Health {
  connected: boolean;
  reported: ReportedState;
}

const entry = (health: DesiredProject["health"], fps?: number): DesiredProject => ({
  deploymentId: "d2",
  project: { id: "p", version: 2 },
  function: { sha256: "a".repeat(64), size: 1, url: "/x" },
  models: {},
  config: fps ? { fps } : {},
  ...(health ? { health } : {}),
});

describe("soak verdicts", () => {
  it("takes its baseline from the previous version (capped by the configured fps), else the configured fps", () => {
    expect(soakParamsOf(entry(undefined, 5), 4)).toBeNull();
    expect(soakParamsOf(entry({}, 5), 4)).toMatchObject({ soakMs: 30_000, minFps: 2, baseline: { fps: 4, from: "previous version" } });
    expect(soakParamsOf(entry({ minFpsRatio: 0.5 }, 2), 4)).toMatchObject({ minFps: 1, baseline: { fps: 2 } });
    expect(soakParamsOf(entry({ soakSeconds: 5, minFpsRatio: 0.8 }, 5), null)).toMatchObject({ soakMs: 5000, minFps: 4, baseline: { from: "configured fps" } });
    expect(soakParamsOf(entry({ soakSeconds: 5 }), null)).toMatchObject({ minFps: 0, baseline: null, maxSilenceMs: 5000 });
    expect(soakParamsOf(entry({}, 0.5), null)).toMatchObject({ maxSilenceMs: 6000 });
  });

  it("fails a crash loop at once, slow or stopped results at the window's end, and passes a healthy run", () => {
    const params = soakParamsOf(entry({ soakSeconds: 10 }, 4), null)!;
    const run = (samples: [number, number, number][]) => {
      const judge = new SoakJudge("d2", params, 0);
      for (const [t, results, workerRestarts] of samples) {
        const v = judge.sample({ deploymentId: "d2", results, workerRestarts }, t);
        if (v) return v.passed ? "passed" : v.error.message;
      }
      return "pending";
    };
    expect(run([[0, 0, 0], [3000, 12, 1], [4000, 14, 3]])).toMatch(/^crash loop: the worker restarted 3 times/);
    expect(run([[0, 0, 0], [5000, 20, 0], [9000, 36, 0]])).toBe("pending");
    expect(run([[0, 0, 0], [5000, 20, 0], [10_000, 40, 0]])).toBe("passed");
    expect(run([[0, 0, 0], [2000, 8, 0], [10_000, 8, 0]])).toMatch(/^results stopped: none in the last 8\.0 s/);
    expect(run([[0, 0, 0], [5000, 5, 0], [10_000, 10, 0]])).toMatch(/^1\.00 results\/s .* below 2\.00 \(50% of 4\.00 fps, the configured fps\)/);
    expect(run([[0, 0, 0], [10_000, 0, 0]])).toMatch(/^no results/);
  });
});

/**
 * Health-checked deployments on a real agent (real broker, BlazeFace on the photo folder at
 * 4 fps): a version soaks after its switch; one that breaks during its soak is rolled back by
 * the agent alone, with the device cut off from the broker, and reported once it is back.
 */
describe("soak and local rollback on a real agent", () => {
  let stack: AgentStack;
  const projectReported = () => stack.reported().at(-1)?.projects?.[0];

  beforeAll(async () => {
    stack = await startAgentStack("cam-soak-1");
    await stack.startAgent();
  });

  afterAll(async () => {
    await stack?.stop();
  }, 120_000);

  it("reports a soak that passes: running while soaking, then running with soak passed", async () => {
    // A low ratio: the test box may be loaded; the verdicts on fps are the unit tests' above.
    const v1 = await soakProject(stack.artifacts, { deploymentId: "soak-1", version: 1, health: { soakSeconds: 3, minFpsRatio: 0.05 } });
    await stack.deploy(onlyProject(v1));
    await stack.observer.until(
      () => stack.progress("soak-1").some((p) => p.soak?.state === "passed"),
      () => `soak-1 passed: ${JSON.stringify(stack.progress("soak-1"))}\n${stack.agentLog()}`,
    );
    const running = stack.progress("soak-1").filter((p) => p.state === "running");
    expect(running[0]!.soak).toMatchObject({ deploymentId: "soak-1", state: "soaking", endsAt: expect.any(Number) });
    expect(running[1]).toMatchObject({ soak: { state: "passed" }, reason: expect.stringMatching(/^soak passed: \d+ results in/) });
    await stack.observer.until(
      () => projectReported()?.soak?.state === "passed",
      () => `shadow/reported soak passed: ${JSON.stringify(stack.reported().at(-1))}`,
    );
  }, 120_000);

  it("rolls back a version that breaks during its soak, deciding alone while the broker is down, and reports why once it is back", async () => {
    const v2 = await soakProject(stack.artifacts, { deploymentId: "soak-2", version: 2, mode: "throw", health: { soakSeconds: 3 } });
    await stack.deploy(onlyProject(v2));
    await stack.waitForState("soak-2", "running");
    // The device loses the broker as soon as the new version runs; the broker goes down too.
    stack.gate.close();
    await stack.broker.stop();
    const decided = await stack.waitForHealth<Health>(
      (h) => h.reported.projects?.[0]?.deploymentId === "soak-1" && h.reported.projects[0].soak?.state === "failed",
      "the agent back on soak-1 after soak-2 failed",
    );
    expect(decided.connected).toBe(false);
    expect(stack.progress("soak-2").map((p) => p.state)).toEqual(expect.not.arrayContaining(["failed", "rolled-back"]));

    await stack.broker.restart();
    await stack.observer.resubscribe();
    await stack.gate.open();
    const failed = await stack.waitForState("soak-2", "failed");
    expect(failed).toMatchObject({ code: "SOAK_FAILED", soak: { deploymentId: "soak-2", state: "failed" } });
    expect(failed.reason).toMatch(/^soak failed: no results in its [\d.]+ s soak/);
    const rolled = await stack.waitForState("soak-2", "rolled-back");
    expect(rolled.reason).toContain("deployment soak-1 (project faces-soak v1) runs again");
    const before = stack.results("soak-1").length;
    await stack.waitForResults("soak-1", before + 2);
    await stack.observer.until(
      () => projectReported()?.deploymentId === "soak-1" && projectReported()?.soak?.state === "failed",
      () => `shadow/reported back on soak-1: ${JSON.stringify(stack.reported().at(-1))}`,
    );
    expect(projectReported()).toMatchObject({ state: "running", soak: { deploymentId: "soak-2", code: "SOAK_FAILED" } });
  }, 120_000);

  it("keeps the project it runs while another project replacing it soaks, and when that one fails its soak", async () => {
    // Another project in its place (as a group moving to another project): a different source,
    // ffmpeg's pattern.
    const other = await soakProject(stack.artifacts, { deploymentId: "swap-1", projectId: "counter-soak", version: 1, mode: "throw", source: "testsrc://testsrc?size=320x240&rate=4", health: { soakSeconds: 3 } });
    await stack.deploy(onlyProject(other));
    const failed = await stack.waitForState("swap-1", "failed");
    expect(failed).toMatchObject({ code: "SOAK_FAILED", soak: { state: "failed" } });
    const before = stack.results("soak-1").length;
    await stack.waitForResults("soak-1", before + 2);
    await stack.observer.until(
      () => JSON.stringify(stack.reported().at(-1)?.projects?.map((p) => [p.project.id, p.state])) === JSON.stringify([["faces-soak", "running"], ["counter-soak", "failed"]]),
      () => `faces-soak still running, counter-soak failed: ${JSON.stringify(stack.reported().at(-1))}\n${stack.agentLog()}`,
    );
    // Nothing of counter-soak ran before: no rollback of it, and faces-soak was never removed.
    expect(stack.progress("swap-1").map((p) => p.state)).not.toContain("rolled-back");
    expect(stack.agentLog(200)).not.toContain("project faces-soak removed");
  }, 120_000);

  it("removes the project it replaces once the replacing one passed its soak", async () => {
    const good = await soakProject(stack.artifacts, { deploymentId: "swap-2", projectId: "counter-soak", version: 2, source: "testsrc://testsrc?size=320x240&rate=4", health: { soakSeconds: 2, minFpsRatio: 0.05 } });
    await stack.deploy(onlyProject(good));
    await stack.observer.until(
      () => JSON.stringify(stack.reported().at(-1)?.projects?.map((p) => [p.project.id, p.state, p.soak?.state])) === JSON.stringify([["counter-soak", "running", "passed"]]),
      () => `only counter-soak, passed: ${JSON.stringify(stack.reported().at(-1))}\n${stack.agentLog()}`,
    );
    const running = stack.progress("swap-2").filter((p) => p.state === "running").map((p) => p.soak?.state);
    expect(running).toEqual(["soaking", "passed"]);
  }, 120_000);

  it("fails a crash loop before its window ends (three worker restarts) and goes back to what ran before", async () => {
    // Each frame after the first stalls; the 300 ms frame timeout kills and restarts the worker.
    const looping = await soakProject(stack.artifacts, {
      deploymentId: "loop-3",
      projectId: "counter-soak",
      version: 3,
      mode: "stall",
      source: "testsrc://testsrc?size=320x240&rate=4",
      health: { soakSeconds: 120 },
      config: { timeoutMs: 300 },
    });
    await stack.deploy(onlyProject(looping));
    const failed = await stack.waitForState("loop-3", "failed");
    expect(failed).toMatchObject({ code: "SOAK_FAILED", soak: { deploymentId: "loop-3", state: "failed" } });
    expect(failed.reason).toMatch(/crash loop: the worker restarted 3 times/);
    // Decided on the third restart (the reason says so), not at the end of its 120 s window.
    const rolled = await stack.waitForState("loop-3", "rolled-back");
    expect(rolled.reason).toContain("deployment swap-2");
    const before = stack.results("swap-2").length;
    await stack.waitForResults("swap-2", before + 2);
  }, 120_000);
});
