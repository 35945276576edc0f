/**
 * Staged rollouts through the real broker and SQLite: devices answer their `shadow/desired` as
 * the agent does (running; or failed, then rolled back), and the console's rollout engine runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolloutDevices, rollouts } from "@edgelens/db";
import { DesiredStateSchema, desiredProjectsOf, topics } from "@edgelens/shared";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { deployProject, listDeployments } from "../src/server/services/deployments";
import { registerDevice } from "../src/server/services/devices";
import { changeDeviceTags } from "../src/server/services/device-tags";
import { deployToGroup, listGroupDeployments } from "../src/server/services/group-deployments";
import { createGroup } from "../src/server/services/groups";
import { createProject, saveProjectVersion } from "../src/server/services/projects";
import { startRolloutEngine, tickRollout, type RolloutEngine } from "../src/server/services/rollout-driver";
import { createRollout, getRollout, moveRollout, type RolloutView } from "../src/server/services/rollouts";
import { startBroker, type BrokerProcess } from "./support/broker";
import { runCli } from "./support/cli";
import { connectAsDevice, reportProgress } from "./support/fake-device";
import { TEST_SECRET } from "./support/temp-context";

type Behaviour = "ok" | "fail" | "silent";
const IDS = ["cam-r0", "cam-r1", "cam-r2", "cam-r3", "cam-r4"];

interface SimDevice {
  client: MqttClient;
  /** How it answers a deployment of version `forVersion` (anything else, rollbacks included, works). */
  behaviour: Behaviour;
  forVersion: number;
  /** The project version of each desired state it received, in order. */
  seen: number[];
}

/** Answers each new desired state as the agent does; a rollout's failed device rolls back by itself. */
async function simulate(brokerUrl: string, ctx: ServiceContext, id: string): Promise<SimDevice> {
  const { deviceFile } = await registerDevice(ctx, { id });
  const client = await connectAsDevice(brokerUrl, deviceFile);
  const sim: SimDevice = { client, behaviour: "ok", forVersion: 0, seen: [] };
  const handled = new Set<string>();
  client.on("message", (_topic, payload) => {
    if (payload.length === 0) return;
    const desired = desiredProjectsOf(DesiredStateSchema.parse(JSON.parse(payload.toString("utf8"))));
    if (handled.has(desired.deploymentId)) return;
    handled.add(desired.deploymentId);
    const entry = desired.projects.find((p) => p.deploymentId === desired.deploymentId);
    sim.seen.push(entry?.project.version ?? 0);
    const behaviour = entry?.project.version === sim.forVersion ? sim.behaviour : "ok";
    const deploymentId = desired.deploymentId;
    void (async () => {
      if (behaviour === "silent") return;
      if (behaviour === "fail") {
        await reportProgress(client, id, { deploymentId, state: "failed", reason: "model load failed: bad graph" });
        await reportProgress(client, id, { deploymentId, state: "rolled-back", reason: "previous projects kept" });
        return;
      }
      await reportProgress(client, id, { deploymentId, state: entry ? "running" : "removed" });
      if (entry?.health) await reportProgress(client, id, { deploymentId, state: "running", soak: { deploymentId, state: "passed" } });
    })();
  });
  await client.subscribeAsync(topics.shadowDesired(id), { qos: 1 });
  return sim;
}

async function until(ctx: ServiceContext, id: string, done: (r: RolloutView) => boolean, timeoutMs = 10_000): Promise<RolloutView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = getRollout(ctx, id);
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`rollout ${id} did not get there: ${JSON.stringify({ state: r.state, counts: r.counts, devices: r.devices })}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe("staged rollouts through the real broker", () => {
  let dir: string;
  let broker: BrokerProcess;
  let ctx: ServiceContext;
  let engine: RolloutEngine;
  const sims = new Map<string, SimDevice>();
  const sim = (id: string) => sims.get(id)!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-rollout-"));
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET }));
    broker = await startBroker(dir, TEST_SECRET);
    await closeContext(ctx);
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl }));
    await createProject(ctx, { name: "faces", template: "face-detection", config: { source: "/media/person.jpg" } });
    for (const id of IDS) sims.set(id, await simulate(broker.mqttUrl, ctx, id));
    // Version 1 runs everywhere before the rollouts start: what a failure rolls back to.
    await deployProject(ctx, { projectId: "faces", deviceIds: IDS }, "test");
    await saveProjectVersion(ctx, "faces", { config: { source: "/media/person.jpg", fps: 2 } });
    engine = startRolloutEngine(ctx, { intervalMs: 50 });
  });
  afterAll(async () => {
    await engine?.stop();
    for (const s of sims.values()) await s.client.endAsync();
    if (ctx) await closeContext(ctx);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tells the devices in batches growing by --increase, and completes once all run the version (soak passed)", async () => {
    const r = createRollout(ctx, { projectId: "faces", version: 2, deviceIds: ["cam-r0", "cam-r1", "cam-r2", "cam-r3"], params: { batch: 1, increase: 2, soakS: 5 } }, "test");
    const done = await until(ctx, r.id, (x) => x.state === "completed");
    expect(done.counts).toEqual({ targeted: 4, notified: 4, running: 4, failed: 0, rolledBack: 0, pending: 0 });
    expect(done.devices.map((d) => d.batch)).toEqual([0, 1, 1, 2]);
    expect(sim("cam-r3").seen).toEqual([1, 2]);
    expect(sim("cam-r4").seen).toEqual([1]);
  });

  it("aborts after K failures: untouched devices are never told, the failed ones go back to what they ran", async () => {
    await saveProjectVersion(ctx, "faces", { config: { source: "/media/person.jpg", fps: 3 } });
    for (const id of ["cam-r0", "cam-r1"]) Object.assign(sim(id), { behaviour: "fail", forVersion: 3 });
    const r = createRollout(ctx, { projectId: "faces", version: 3, deviceIds: ["cam-r0", "cam-r1", "cam-r2", "cam-r3", "cam-r4"], params: { batch: 2, abortFailuresPct: 50, abortMin: 2, soakS: 0 } });
    const done = await until(ctx, r.id, (x) => x.state === "aborted" && x.counts.rolledBack === 2);
    expect(done.abortReason).toBe("2 of 2 finished devices failed (100% >= 50%, after at least 2)");
    expect(done.counts).toMatchObject({ targeted: 5, notified: 2, failed: 2, rolledBack: 2, pending: 3 });
    expect(done.devices.find((d) => d.id === "cam-r0")).toMatchObject({ state: "rolled-back", reason: expect.stringContaining("model load failed") });
    // r0 had version 2 from the first rollout: it is told version 2 again; r4 never had it: back to 1.
    await until(ctx, r.id, () => sim("cam-r0").seen.at(-1) === 2 && sim("cam-r1").seen.at(-1) === 2);
    for (const id of ["cam-r2", "cam-r3", "cam-r4"]) expect(listDeployments(ctx, { deviceId: id }).some((d) => d.projectVersion === 3)).toBe(false);
    expect(sim("cam-r4").seen).toEqual([1]);
  });

  it("pauses, resumes after a console restart, cancels; a device that does not run in time fails and rolls back", async () => {
    Object.assign(sim("cam-r2"), { behaviour: "silent", forVersion: 3 });
    const r = createRollout(ctx, { projectId: "faces", version: 3, deviceIds: ["cam-r2", "cam-r3", "cam-r4"], params: { batch: 1, increase: 1, deviceTimeoutS: 1, soakS: 0 } });
    await until(ctx, r.id, (x) => x.counts.notified === 1);
    moveRollout(ctx, r.id, "pause");
    const paused = await until(ctx, r.id, (x) => x.counts.failed === 1 && x.counts.rolledBack === 1);
    expect(paused.devices[0]).toMatchObject({ id: "cam-r2", state: "rolled-back", reason: "did not reach running within 1 s (last: queued)" });
    expect(paused).toMatchObject({ state: "paused", counts: { notified: 1, pending: 2 } });
    expect(() => moveRollout(ctx, r.id, "pause")).toThrow(/is paused: cannot pause/);
    // A new console process picks the rollout up from the database.
    await engine.stop();
    engine = startRolloutEngine(ctx, { intervalMs: 50 });
    moveRollout(ctx, r.id, "resume");
    await until(ctx, r.id, (x) => x.devices[1]!.state === "running");
    moveRollout(ctx, r.id, "cancel");
    const cancelled = await until(ctx, r.id, (x) => x.state === "cancelled" && x.counts.notified - x.counts.running - x.counts.failed === 0);
    // r4 may have been told between r3's success and the cancel; a cancelled rollout tells no one after.
    const told = cancelled.counts.notified;
    await new Promise((res) => setTimeout(res, 300));
    expect(getRollout(ctx, r.id).counts.notified).toBe(told);
    expect(() => moveRollout(ctx, r.id, "resume")).toThrow(/is cancelled: cannot resume/);
  });

  it("CLI: deploy with rollout flags drives the rollout with --wait and prints one object; deployment show; flags out of range", async () => {
    // The CLI drives it itself: no console engine holds the lease.
    await engine.stop();
    const { version } = await saveProjectVersion(ctx, "faces", { config: { source: "/media/person.jpg", fps: 4 } });
    const env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl };
    const bad = await runCli(["deploy", "faces", "--devices", "cam-r3,cam-r4", "--increase", "7", "--abort-failures", "20%"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--increase: between 1 and 5");
    const run = await runCli(["deploy", "faces", "--devices", "cam-r3,cam-r4", "--batch", "1", "--abort-failures", "50%", "--soak", "0", "--wait", "--json"], env);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as RolloutView;
    expect(out).toMatchObject({ state: "completed", projectVersion: version, params: { abortFailuresPct: 50, batch: 1 }, counts: { targeted: 2, running: 2 } });
    expect(run.stderr).toMatch(/rollout rol_\w+: rolling — targeted 2, notified 1/);
    const shown = await runCli(["deployment", "show", out.id, "--json"], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: out.id,
      state: "completed",
      counts: { targeted: 2, notified: 2, running: 2, failed: 0, rolledBack: 0, pending: 0 },
      devices: [{ id: "cam-r3", state: "running" }, { id: "cam-r4", state: "running" }],
    });
  });

  it("a rollout over a group becomes the group's deployment once it completes: a device that joins later gets its version, members are not told twice", async () => {
    const shop = ["shop-0", "shop-1", "shop-late"];
    for (const id of shop) sims.set(id, await simulate(broker.mqttUrl, ctx, id));
    await changeDeviceTags(ctx, { deviceIds: ["shop-0", "shop-1"], set: { site: "shop" } });
    createGroup(ctx, { name: "shop", query: "site = 'shop'" });
    await deployToGroup(ctx, "shop", { projectId: "faces", version: 1 });
    const { version } = await saveProjectVersion(ctx, "faces", { config: { source: "/media/person.jpg", fps: 5 } });
    // The CLI test before this one stopped the console's engine.
    await engine.stop();
    engine = startRolloutEngine(ctx, { intervalMs: 50 });
    const r = createRollout(ctx, { projectId: "faces", version, group: "shop", priority: 3, params: { batch: 1, soakS: 0 } }, "test");
    expect(r.group).toMatchObject({ name: "shop", priority: 3 });
    await until(ctx, r.id, (x) => x.state === "completed");
    const [current] = listGroupDeployments(ctx, "shop");
    expect(current).toMatchObject({ projectVersion: version, priority: 3, createdBy: `rollout:${r.id}` });
    // The members run it already, from the rollout: no second deployment of the same version.
    for (const id of ["shop-0", "shop-1"]) expect(sim(id).seen).toEqual([1, version]);
    const joined = await changeDeviceTags(ctx, { deviceIds: ["shop-late"], set: { site: "shop" } });
    expect(joined.deployments.map((d) => [d.deviceId, d.projectVersion])).toEqual([["shop-late", version]]);
    await until(ctx, r.id, () => sim("shop-late").seen.at(-1) === version);
    expect(() => createRollout(ctx, { projectId: "faces", deviceIds: ["shop-0"], priority: 1 })).toThrow(/priority goes with group/);
  });

  it("a console that stopped after recording a failure, before telling the device to go back, rolls it back when it starts again, on an ended rollout too", async () => {
    await engine.stop();
    const before = sim("cam-r1").seen.at(-1);
    const { version } = await saveProjectVersion(ctx, "faces", { config: { source: "/media/person.jpg", fps: 6 } });
    Object.assign(sim("cam-r1"), { behaviour: "fail", forVersion: version });
    const r = createRollout(ctx, { projectId: "faces", version, deviceIds: ["cam-r1"], params: { batch: 1, soakS: 0 } }, "test");
    await tickRollout(ctx, r.id, "test-driver");
    const told = await until(ctx, r.id, (x) => x.devices[0]!.deploymentState === "rolled-back");
    // What the old console left: the failure recorded and the rollout ended, no rollback sent.
    ctx.db.update(rolloutDevices).set({ state: "failed", reason: "model load failed: bad graph", finishedAt: Date.now() }).where(eq(rolloutDevices.rolloutId, r.id)).run();
    ctx.db.update(rollouts).set({ state: "aborted", abortReason: "1 of 1 finished devices failed", leaseOwner: null, leaseUntil: null }).where(eq(rollouts.id, r.id)).run();
    expect(told.devices[0]!.rollbackDeploymentId).toBeNull();
    engine = startRolloutEngine(ctx, { intervalMs: 50 });
    const back = await until(ctx, r.id, (x) => x.counts.rolledBack === 1);
    expect(back.state).toBe("aborted");
    expect(back.devices[0]!.rollbackDeploymentId).toMatch(/^dpl_/);
    await until(ctx, r.id, () => sim("cam-r1").seen.at(-1) === before);
    expect(sim("cam-r1").seen.slice(-2)).toEqual([version, before]);
  });
});
