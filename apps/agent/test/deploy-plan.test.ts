import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { DeploymentProgressSchema, ReportedStateSchema, type DesiredState } from "@edgelens/shared/schemas";
import { DeployStateStore, EMPTY_MEMORY, type DeployMemory } from "../src/deploy/deploy-state-store";
import { artifactsOf, createPctThrottle, decide, keptHashes, progress, reportedState } from "../src/deploy/deployment-plan";
import { makeTempDir } from "./support/temp-dir";

const sha = (c: string) => c.repeat(64);
const art = (c: string, size = 10) => ({ sha256: sha(c), size, url: `/api/artifacts/${sha(c)}` });
const desired = (id: string, over: Partial<DesiredState> = {}): DesiredState => ({
  deploymentId: id,
  project: { id: "p1", version: 1 },
  function: art("a"),
  models: { detector: art("b"), other: art("b") },
  config: {},
  ...over,
});

describe("deployment plan", () => {
  it("deploys a new deployment, ignores what runs, is in progress or was handled", () => {
    const d = desired("d1");
    expect(decide(d, EMPTY_MEMORY, null)).toEqual({ kind: "deploy", artifacts: [art("a"), art("b")] });
    expect(decide(d, { ...EMPTY_MEMORY, current: d }, null).kind).toBe("ignore");
    expect(decide(d, EMPTY_MEMORY, "d1").kind).toBe("ignore");
    expect(decide(d, { ...EMPTY_MEMORY, lastHandled: { deploymentId: "d1", outcome: "failed" } }, null).kind).toBe("ignore");
    expect(decide(desired("d2", { project: null, function: null, models: {} }), { ...EMPTY_MEMORY, current: d }, null)).toEqual({ kind: "remove" });
  });

  it("lists each artifact once and keeps those of the current and previous deployments", () => {
    expect(artifactsOf(desired("d1")).map((a) => a.sha256)).toEqual([sha("a"), sha("b")]);
    const memory: DeployMemory = { ...EMPTY_MEMORY, current: desired("d2", { function: art("c") }), previous: desired("d1") };
    expect([...keptHashes(memory)].sort()).toEqual([sha("a"), sha("b"), sha("c")]);
  });

  it("builds valid progress and reported-state messages", () => {
    expect(DeploymentProgressSchema.parse(progress("d1", "downloading", { pct: 33.333 }, 5))).toEqual({ deploymentId: "d1", state: "downloading", pct: 33.3, ts: 5 });
    const failedNothingRuns = reportedState({ ...EMPTY_MEMORY, lastHandled: { deploymentId: "d1", outcome: "failed" }, lastError: { deploymentId: "d1", code: "X", message: "m", ts: 1 } }, "0.1.0", 7);
    expect(ReportedStateSchema.parse(failedNothingRuns)).toMatchObject({ deploymentId: null, project: null, state: "failed", lastError: { code: "X" } });
    const running = reportedState({ ...EMPTY_MEMORY, current: desired("d2"), lastHandled: { deploymentId: "d3", outcome: "failed" } }, "0.1.0", 7);
    expect(running).toMatchObject({ deploymentId: "d2", project: { id: "p1", version: 1 }, state: "running" });
    expect(reportedState({ ...EMPTY_MEMORY, lastHandled: { deploymentId: "d4", outcome: "removed" } }, "0.1.0").state).toBe("removed");
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

  it("stores its memory atomically and rejects a damaged file by name", async () => {
    const dir = makeTempDir("memory");
    try {
      const store = new DeployStateStore(join(dir.path, "deploy-state.json"));
      expect(store.load()).toEqual(EMPTY_MEMORY);
      const memory: DeployMemory = { ...EMPTY_MEMORY, current: desired("d1"), lastHandled: { deploymentId: "d1", outcome: "running" } };
      store.save(memory);
      expect(store.load()).toEqual(memory);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(store.path, JSON.stringify({ version: 1, current: { deploymentId: 5 } }));
      expect(() => store.load()).toThrow(/deploy-state\.json: current/);
    } finally {
      dir.remove();
    }
  });
});
