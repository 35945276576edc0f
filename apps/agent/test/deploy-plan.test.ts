import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeploymentProgressSchema, ReportedStateSchema, desiredProjectsOf, type DesiredProject, type DesiredStateV2 } from "@edgelens/shared/schemas";
import { threadsPerModel } from "../src/deploy/cpu-budget";
import { DeployStateStore, EMPTY_MEMORY, type DeployMemory, type ProjectMemory } from "../src/deploy/deploy-state-store";
import { artifactsOf, createPctThrottle, keptHashes, planDesired, progress, reportedState } from "../src/deploy/deployment-plan";
import { makeTempDir } from "./support/temp-dir";

const sha = (c: string) => c.repeat(64);
const art = (c: string, size = 10) => ({ sha256: sha(c), size, url: `/api/artifacts/${sha(c)}` });
const entry = (id: string, projectId = "p1", over: Partial<DesiredProject> = {}): DesiredProject => ({
  deploymentId: id,
  project: { id: projectId, version: 1 },
  function: art("a"),
  models: { detector: art("b"), other: art("b") },
  config: {},
  ...over,
});
const doc = (id: string, projects: DesiredProject[]): DesiredStateV2 => ({ version: 2, deploymentId: id, projects });
const pm = (over: Partial<ProjectMemory>): ProjectMemory => ({ current: null, previous: null, lastHandled: null, lastError: null, ...over });
const memoryOf = (projects: Record<string, ProjectMemory>, over: Partial<DeployMemory> = {}): DeployMemory => ({ ...EMPTY_MEMORY, projects, ...over });
const noStatus = () => null;

describe("deployment plan", () => {
  it("deploys new entries, ignores what runs, is in progress or was handled, per project", () => {
    const a = entry("d1", "p1");
    const b = entry("d2", "p2");
    expect(planDesired(doc("d2", [a, b]), EMPTY_MEMORY, new Map()).deploy).toEqual([a, b]);
    const running = memoryOf({ p1: pm({ current: a, lastHandled: { deploymentId: "d1", outcome: "running" } }) });
    const plan = planDesired(doc("d2", [a, b]), running, new Map([["p2", "d2"]]));
    expect(plan.deploy).toEqual([]);
    expect(plan.ignored).toEqual(["deployment d1 already runs", "deployment d2 is in progress"]);
    const failed = memoryOf({ p2: pm({ lastHandled: { deploymentId: "d2", outcome: "failed", version: 1 } }) });
    expect(planDesired(doc("d2", [b]), failed, new Map()).deploy).toEqual([]);
  });

  it("a running or loading deployment whose entry carries another gallery gets a gallery update, not a new deployment", () => {
    const a = entry("d1", "p1", { gallery: art("g") });
    const running = memoryOf({ p1: pm({ current: a, lastHandled: { deploymentId: "d1", outcome: "running" } }) });
    const changed = { ...a, gallery: art("h") };
    const plan = planDesired(doc("d1", [changed]), running, new Map());
    expect([plan.deploy, plan.galleries, plan.ignored]).toEqual([[], [changed], []]);
    expect(planDesired(doc("d1", [a]), running, new Map()).galleries).toEqual([]);
    // Under way: its gallery job runs after the deployment and looks again then.
    expect(planDesired(doc("d1", [changed]), EMPTY_MEMORY, new Map([["p1", "d1"]])).galleries).toEqual([changed]);
  });

  it("removes projects gone from the list under the list's own deployment id, once", () => {
    const a = entry("d1", "p1");
    const mem = memoryOf({ p1: pm({ current: a }), p2: pm({ current: entry("d2", "p2") }), p3: pm({ lastHandled: { deploymentId: "d3", outcome: "failed", version: 1 } }) });
    const plan = planDesired(doc("rm-1", [a]), mem, new Map());
    expect(plan).toMatchObject({ deploy: [], remove: ["p2"], forget: ["p3"], removalId: "rm-1" });
    expect(planDesired(doc("rm-1", [a]), { ...mem, lastHandled: { deploymentId: "rm-1", outcome: "removed" } }, new Map()).removalId).toBeNull();
    // A list whose id is one of its entries' adds that entry: no removal under it.
    expect(planDesired(doc("d1", [a]), mem, new Map()).removalId).toBeNull();
  });

  it("reads a version-1 desired state as a list of one (or none)", () => {
    const v1 = { deploymentId: "d1", project: { id: "p1", version: 2 }, function: art("a"), models: {}, config: { fps: 5 } };
    expect(desiredProjectsOf(v1)).toEqual({ version: 2, deploymentId: "d1", projects: [{ deploymentId: "d1", project: { id: "p1", version: 2 }, function: art("a"), models: {}, config: { fps: 5 } }] });
    expect(desiredProjectsOf({ deploymentId: "rm", project: null, function: null, models: {}, config: {} }).projects).toEqual([]);
  });

  it("lists each artifact once and keeps those of every project's current and previous deployments", () => {
    expect(artifactsOf(entry("d1")).map((a) => a.sha256)).toEqual([sha("a"), sha("b")]);
    // face-recognition's gallery is fetched, verified and kept like a model.
    expect(artifactsOf(entry("d1", "p1", { gallery: art("g") })).map((a) => a.sha256)).toEqual([sha("a"), sha("b"), sha("g")]);
    const memory = memoryOf({ p1: pm({ current: entry("d2", "p1", { function: art("c") }), previous: entry("d1") }), p2: pm({ current: entry("d3", "p2", { function: art("d"), models: {} }) }) });
    expect([...keptHashes(memory, [entry("d9", "p9", { function: art("e"), models: {} })])].sort()).toEqual([sha("a"), sha("b"), sha("c"), sha("d"), sha("e")]);
  });

  it("builds valid progress and reported-state messages, one entry per project", () => {
    expect(DeploymentProgressSchema.parse(progress("d1", "downloading", { pct: 33.333 }, 5))).toEqual({ deploymentId: "d1", state: "downloading", pct: 33.3, ts: 5 });
    const err = { deploymentId: "d1", code: "X", message: "m", ts: 1 };
    const failedNothingRuns = reportedState(memoryOf({ p1: pm({ lastHandled: { deploymentId: "d1", outcome: "failed", version: 3 }, lastError: err }) }, { lastError: err }), "0.1.0", noStatus, 7);
    expect(ReportedStateSchema.parse(failedNothingRuns)).toMatchObject({ deploymentId: null, project: null, state: "failed", lastError: { code: "X" }, projects: [{ deploymentId: "d1", project: { id: "p1", version: 3 }, state: "failed" }] });
    const status = (id: string) => (id === "p2" ? { deploymentId: "d2", source: "vtest.avi", fps: 4, latencyMs: { p50: 10, p95: 20 }, threads: 2, results: 9, workerRestarts: 0 } : null);
    const two = reportedState(memoryOf({ p1: pm({ lastHandled: { deploymentId: "d1", outcome: "failed", version: 3 }, lastError: err }), p2: pm({ current: entry("d2", "p2") }) }), "0.1.0", status, 7);
    expect(ReportedStateSchema.parse(two)).toMatchObject({ deploymentId: "d2", project: { id: "p2", version: 1 }, state: "running" });
    expect(two.projects?.[1]).toEqual({ deploymentId: "d2", project: { id: "p2", version: 1 }, state: "running", source: "vtest.avi", fps: 4, latencyMs: { p50: 10, p95: 20 }, threads: 2, lastError: null });
    const degraded = memoryOf({ p1: pm({ current: entry("d1"), lastHandled: { deploymentId: "d1", outcome: "degraded" } }), p2: pm({ current: entry("d2", "p2") }) });
    expect(reportedState(degraded, "0.1.0", noStatus).state).toBe("degraded");
    expect(reportedState(memoryOf({}, { lastHandled: { deploymentId: "d4", outcome: "removed" } }), "0.1.0", noStatus).state).toBe("removed");
  });

  it("splits the CPU budget between projects and their models, at least one thread each", () => {
    expect(threadsPerModel(4, 1, 1)).toBe(4);
    expect(threadsPerModel(4, 4, 1)).toBe(1);
    expect(threadsPerModel(8, 2, 2)).toBe(2);
    expect(threadsPerModel(4, 8, 3)).toBe(1);
    expect(threadsPerModel(4, 0, 0)).toBe(4);
  });

  it("throttles download progress by step and time, always passing 100", () => {
    let now = 0;
    const due = createPctThrottle(5, 1000, () => now);
    expect([0, 1, 4, 5, 9, 10].map(due)).toEqual([true, false, false, true, false, true]);
    now = 2000;
    expect(due(11)).toBe(true);
    expect(due(100)).toBe(true);
    expect(due(100)).toBe(false);
  });

  it("stores its memory atomically, reads a single-project file as one project, rejects a damaged file by name", () => {
    const dir = makeTempDir("memory");
    try {
      const store = new DeployStateStore(join(dir.path, "deploy-state.json"));
      expect(store.load()).toEqual(EMPTY_MEMORY);
      const memory = memoryOf({ p1: pm({ current: entry("d1"), lastHandled: { deploymentId: "d1", outcome: "running" } }) });
      store.save(memory);
      expect(store.load()).toEqual(memory);
      const v1 = { deploymentId: "d1", project: { id: "p1", version: 1 }, function: art("a"), models: {}, config: {} };
      writeFileSync(store.path, JSON.stringify({ version: 1, current: v1, previous: null, lastHandled: { deploymentId: "d1", outcome: "degraded" }, lastError: null }));
      expect(store.load()).toEqual(memoryOf({ p1: pm({ current: { ...v1 }, lastHandled: { deploymentId: "d1", outcome: "degraded" } }) }, { lastHandled: { deploymentId: "d1", outcome: "degraded" } }));
      writeFileSync(store.path, JSON.stringify({ version: 2, projects: { p1: { current: { deploymentId: 5 } } } }));
      expect(() => store.load()).toThrow(/deploy-state\.json: projects\.p1\.current/);
    } finally {
      dir.remove();
    }
  });
});
