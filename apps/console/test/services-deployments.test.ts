import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesiredStateSchema, DesiredStateV1Schema, topics, type DeviceFile } from "@edgelens/shared";
import { getSampleModel } from "@edgelens/vision/models";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { waitForDeployment } from "../src/server/services/deployment-wait";
import { deployProject, deviceProjects, getDeployment, listDeployments, removeProject, undeployProject } from "../src/server/services/deployments";
import { deregisterDevice, getDevice, listDevices, queryDevices, registerDevice } from "../src/server/services/devices";
import { getDashboardStats } from "../src/server/services/dashboard";
import { createProject } from "../src/server/services/projects";
import { startBroker, type BrokerProcess } from "./support/broker";
import { connectAsDevice, nextJson, reportProgress } from "./support/fake-device";
import { TEST_SECRET } from "./support/temp-context";

/** How an agent from before version 2 reads shadow/desired: its schema had no `version` field. */
const OldAgentDesiredSchema = DesiredStateV1Schema.omit({ version: true });

describe("deployments through the real broker", () => {
  let dir: string;
  let broker: BrokerProcess;
  let ctx: ServiceContext;
  let file: DeviceFile;
  let device: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-deploy-"));
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET }));
    broker = await startBroker(dir, TEST_SECRET);
    await closeContext(ctx);
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl }));
    file = (await registerDevice(ctx, { id: "cam-dep" })).deviceFile;
    await createProject(ctx, { name: "faces", template: "face-detection", config: { source: "/media/person.jpg" } });
    await createProject(ctx, { name: "faces-2", template: "face-detection", config: { source: "/media/messi5.jpg" } });
    device = await connectAsDevice(broker.mqttUrl, file);
  });
  afterAll(async () => {
    await device?.endAsync();
    if (ctx) await closeContext(ctx);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes the desired state retained, with content-addressed artifact urls", async () => {
    const [dep] = await deployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep"] }, "test");
    expect(dep).toMatchObject({ kind: "deploy", state: "queued", deviceId: "cam-dep", projectId: "faces", projectVersion: 1, createdBy: "test" });
    const json = await nextJson(device, topics.shadowDesired("cam-dep"));
    const desired = DesiredStateSchema.parse(json);
    const blazeface = getSampleModel("blazeface");
    const entry = {
      deploymentId: dep!.id,
      project: { id: "faces", version: 1, name: "faces", source: "/media/person.jpg" },
      models: { faces: { sha256: blazeface.sha256, size: blazeface.size, url: `/api/artifacts/${blazeface.sha256}` } },
      config: { source: "/media/person.jpg", fps: 10 },
    };
    expect(desired).toMatchObject({ version: 2, deploymentId: dep!.id, projects: [entry] });
    expect(desired.version === 2 && desired.projects[0]!.function.url).toBe(`/api/artifacts/${desired.version === 2 && desired.projects[0]!.function.sha256}`);
    // One project deployed by this very deployment: an agent from before version 2 reads the same payload as version 1.
    expect(OldAgentDesiredSchema.parse(json)).toMatchObject(entry);
  });

  it("follows the device's progress to running, through the broker's bookkeeping", async () => {
    const [dep] = listDeployments(ctx, { deviceId: "cam-dep" });
    const steps: string[] = [];
    const waiting = waitForDeployment(ctx, dep!.id, { timeoutMs: 30_000, onProgress: (p) => steps.push(p.state) });
    await reportProgress(device, "cam-dep", { deploymentId: dep!.id, state: "downloading", pct: 50 });
    await reportProgress(device, "cam-dep", { deploymentId: dep!.id, state: "running" });
    const outcome = await waiting;
    expect(outcome.settled).toBe(true);
    expect(outcome.deployment.state).toBe("running");
    // Either path may end the wait first: the progress message, or the row the broker wrote.
    expect(steps.every((st) => ["downloading", "running"].includes(st))).toBe(true);
    // The broker writes the row; read it once it has.
    await waitForDeployment(ctx, dep!.id, { timeoutMs: 10_000 });
    const detail = getDeployment(ctx, dep!.id);
    expect(detail.events.map((e) => e.state)).toEqual(expect.arrayContaining(["queued", "downloading", "running"]));
    expect(getDevice(ctx, "cam-dep").deployment?.id).toBe(dep!.id);
  });

  it("reports a failure with the device's reason", async () => {
    const [dep] = await deployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep"] });
    const waiting = waitForDeployment(ctx, dep!.id, { timeoutMs: 30_000 });
    await reportProgress(device, "cam-dep", { deploymentId: dep!.id, state: "failed", reason: "checksum mismatch on faces", code: "CHECKSUM_MISMATCH" });
    const outcome = await waiting;
    expect(outcome.deployment).toMatchObject({ state: "failed", reason: "checksum mismatch on faces" });
    const shown = getDevice(ctx, "cam-dep");
    expect(shown.latestDeployment?.id).toBe(dep!.id);
    expect(shown.deployment?.state).toBe("running");
  });

  it("times out without settling when the device says nothing", async () => {
    const [dep] = await deployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep"] });
    const outcome = await waitForDeployment(ctx, dep!.id, { timeoutMs: 300, pollMs: 100 });
    expect(outcome).toMatchObject({ settled: false, deployment: { state: "queued" } });
    expect(getDashboardStats(ctx).deployments.inProgress).toBe(1);
  });

  it("adds a second project beside the first; undeploy removes one and keeps the other", async () => {
    const [added] = await deployProject(ctx, { projectId: "faces-2", deviceIds: ["cam-dep"] });
    // The subscribe delivers what is retained, on a loaded box maybe still the state before this one.
    const two = DesiredStateSchema.parse(await nextJson(device, topics.shadowDesired("cam-dep"), (j) => (j as { deploymentId?: string }).deploymentId === added!.id));
    expect(two.version === 2 && two.projects.map((p) => [p.project.id, p.deploymentId])).toEqual([
      ["faces", deviceProjects(ctx, "cam-dep")[0]!.id],
      ["faces-2", added!.id],
    ]);
    expect(two).not.toHaveProperty("project");
    // The device list shows both, oldest first, each with its deployment (not only the newest).
    const listed = queryDevices(ctx, { q: "cam-dep" }).items[0]!;
    expect(listed.projects.map((p) => [p.projectId, p.id])).toEqual([
      ["faces", deviceProjects(ctx, "cam-dep")[0]!.id],
      ["faces-2", added!.id],
    ]);
    const [removal] = await undeployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep"] }, "test");
    expect(removal).toMatchObject({ kind: "undeploy", projectId: "faces", projectVersion: null, state: "queued" });
    const one = DesiredStateSchema.parse(await nextJson(device, topics.shadowDesired("cam-dep"), (j) => (j as { deploymentId?: string }).deploymentId === removal!.id));
    expect(one).toMatchObject({ version: 2, deploymentId: removal!.id, projects: [{ deploymentId: added!.id, project: { id: "faces-2" } }] });
    expect(deviceProjects(ctx, "cam-dep").map((d) => d.projectId)).toEqual(["faces-2"]);
    expect(getDevice(ctx, "cam-dep").projects.map((p) => p.projectId)).toEqual(["faces-2"]);
  });

  it("refuses to undeploy a project the device does not run, naming both, and writes nothing", async () => {
    const before = listDeployments(ctx).length;
    await expect(undeployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep"] })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "project faces (faces) is not deployed to cam-dep",
      context: { projectId: "faces", deviceId: "cam-dep" },
    });
    await expect(undeployProject(ctx, { projectId: "nope", deviceIds: ["cam-dep"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(listDeployments(ctx)).toHaveLength(before);
  });

  it("removes every project with an empty desired state", async () => {
    const [dep] = await removeProject(ctx, { deviceIds: ["cam-dep"] });
    const json = await nextJson(device, topics.shadowDesired("cam-dep"), (j) => (j as { deploymentId?: string }).deploymentId === dep!.id);
    expect(DesiredStateSchema.parse(json)).toMatchObject({ version: 2, deploymentId: dep!.id, projects: [] });
    expect(OldAgentDesiredSchema.parse(json)).toMatchObject({ deploymentId: dep!.id, project: null, function: null, models: {} });
    expect(deviceProjects(ctx, "cam-dep")).toEqual([]);
    expect(listDevices(ctx).find((d) => d.id === "cam-dep")?.projects).toEqual([]);
  });

  it("refuses unknown devices and projects before writing anything", async () => {
    const before = listDeployments(ctx).length;
    await expect(deployProject(ctx, { projectId: "faces", deviceIds: ["cam-dep", "ghost-cam"] })).rejects.toMatchObject({ code: "NOT_FOUND", context: { deviceId: "ghost-cam" } });
    await expect(deployProject(ctx, { projectId: "nope", deviceIds: ["cam-dep"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(listDeployments(ctx)).toHaveLength(before);
  });

  it("deregisters: clears the retained desired state; the broker drops the device", async () => {
    const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
    const result = await deregisterDevice(ctx, "cam-dep");
    expect(result).toEqual({ brokerCleared: true, warning: null });
    await closed;
    await expect(connectAsDevice(broker.mqttUrl, file)).rejects.toThrow(/Bad username or password|Not authorized/i);
    // Retained messages arrive on subscribe, before a message published afterwards: a marker
    // that arrives with no desired state before it shows that nothing is retained any more.
    const seen: string[] = [];
    const marker = `console-test/marker/${Date.now()}`;
    await ctx.mqtt.subscribe(topics.shadowDesired("cam-dep"), (t) => seen.push(t));
    const markerSeen = new Promise<void>((resolve) => void ctx.mqtt.subscribe(marker, () => resolve()).then(() => ctx.mqtt.publish(marker, "{}", { qos: 1 })));
    await markerSeen;
    expect(seen).toEqual([]);
  });
});
