/**
 * Device groups and continuous group deployments (issue 17: tags, groups, priority, pinning)
 * against the real broker and SQLite, with registered devices and no agents: what is checked is
 * membership and each device's desired state, which the broker retains.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesiredStateSchema, topics } from "@edgelens/shared";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { explainAssignment } from "../src/server/services/device-assignment";
import { pinDevice, unpinDevice } from "../src/server/services/device-pin";
import { changeDeviceTags } from "../src/server/services/device-tags";
import { deviceProjects } from "../src/server/services/deployments";
import { registerDevice } from "../src/server/services/devices";
import { deployToGroup, followGroups } from "../src/server/services/group-deployments";
import { resolveGroupDevices } from "../src/server/services/group-members";
import { createGroup, groupDetail } from "../src/server/services/groups";
import { createProject } from "../src/server/services/projects";
import { createRollout } from "../src/server/services/rollouts";
import { startBroker, type BrokerProcess } from "./support/broker";
import { connectAsDevice, nextJson } from "./support/fake-device";
import { TEST_SECRET } from "./support/temp-context";

/** The project names a device's list holds now (what its desired state asks it to run). */
function projectsOf(ctx: ServiceContext, deviceId: string): string[] {
  return deviceProjects(ctx, deviceId).map((d) => `${d.projectName}@${d.projectVersion}`);
}

describe("device groups through the real broker", () => {
  let dir: string;
  let broker: BrokerProcess;
  let ctx: ServiceContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-groups-"));
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET }));
    broker = await startBroker(dir, TEST_SECRET);
    await closeContext(ctx);
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl }));
    for (const id of ["ber-1", "ber-2", "ber-3", "pin-1"]) await registerDevice(ctx, { id });
    await createProject(ctx, { name: "faces", template: "face-detection", config: { source: "/media/person.jpg" } });
    await createProject(ctx, { name: "faces-2", template: "face-detection", config: { source: "/media/messi5.jpg" } });
  });
  afterAll(async () => {
    if (ctx) await closeContext(ctx);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses bad input clearly: a query that does not parse (with its column), an unknown group, project or device", async () => {
    expect(() => createGroup(ctx, { name: "bad", query: "site = 'berlin' AND floor IN ('1' '2')" })).toThrow(/query does not parse at column 35: expected ',' or '\)'/);
    await expect(deployToGroup(ctx, "nope", { projectId: "faces" })).rejects.toThrow(/no device group nope/);
    createGroup(ctx, { name: "static", devices: ["ber-3"] });
    await expect(deployToGroup(ctx, "static", { projectId: "ghost" })).rejects.toThrow(/no project ghost/);
    expect(() => createGroup(ctx, { name: "s2", devices: ["ber-3", "ghost-cam"] })).toThrow(/no device ghost-cam/);
    expect(() => createGroup(ctx, { name: "both", devices: ["ber-3"], query: "a = 1" })).toThrow(/either devices/);
    await expect(changeDeviceTags(ctx, { deviceIds: ["ber-1"], set: { id: "x" } })).rejects.toThrow(/name device fields/);
  });

  it("a dynamic group follows tags: a device that joins later gets the group's deployment by itself; one that leaves keeps what it runs", async () => {
    await changeDeviceTags(ctx, { deviceIds: ["ber-1"], set: { site: "berlin", floor: "1" } });
    createGroup(ctx, { name: "berlin", query: "site = 'berlin' AND floor IN ('1','2')" });
    expect(resolveGroupDevices(ctx, "berlin")).toEqual(["ber-1"]);
    const first = await deployToGroup(ctx, "berlin", { projectId: "faces" }, "test");
    expect(first.deployments.map((d) => [d.deviceId, d.groupDeploymentId])).toEqual([["ber-1", first.groupDeployment.id]]);

    // b2 joins by being tagged: it gets faces without anyone deploying again, retained on the broker.
    const joined = await changeDeviceTags(ctx, { deviceIds: ["ber-2"], set: { site: "berlin", floor: "2" } });
    expect(joined.deployments.map((d) => [d.deviceId, d.projectName, d.groupDeploymentId])).toEqual([["ber-2", "faces", first.groupDeployment.id]]);
    expect(projectsOf(ctx, "ber-2")).toEqual(["faces@1"]);

    // b1 leaves (floor 3): nothing is sent, it keeps faces, and its page says so.
    const left = await changeDeviceTags(ctx, { deviceIds: ["ber-1"], set: { floor: "3" } });
    expect(left.deployments).toEqual([]);
    expect(projectsOf(ctx, "ber-1")).toEqual(["faces@1"]);
    expect(explainAssignment(ctx, "ber-1").reason).toMatch(/left group berlin; keeps faces v1/);
    expect(groupDetail(ctx, "berlin").devices.map((d) => d.id)).toEqual(["ber-2"]);
  });

  it("a newly registered device that matches a query gets the group's deployment", async () => {
    createGroup(ctx, { name: "new-cams", query: "startswith(id, 'new-')" });
    await deployToGroup(ctx, "new-cams", { projectId: "faces-2" });
    const { deviceFile } = await registerDevice(ctx, { id: "new-1" });
    const client = await connectAsDevice(broker.mqttUrl, deviceFile);
    try {
      const desired = nextJson(client, topics.shadowDesired("new-1"));
      const out = await followGroups(ctx, ["new-1"]);
      expect(out.deployments.map((d) => d.projectName)).toEqual(["faces-2"]);
      const doc = DesiredStateSchema.parse(await desired);
      expect(doc.version === 2 && doc.projects.map((p) => p.project.name)).toEqual(["faces-2"]);
    } finally {
      await client.endAsync();
    }
  });

  it("a newer deployment to the same group replaces the older: the old project leaves in the same desired state", async () => {
    const second = await deployToGroup(ctx, "berlin", { projectId: "faces-2" });
    expect(second.deployments.map((d) => d.deviceId)).toEqual(["ber-2"]);
    expect(projectsOf(ctx, "ber-2")).toEqual(["faces-2@1"]);
  });

  it("in two groups, the higher priority wins, then the newer; the device says why", async () => {
    await changeDeviceTags(ctx, { deviceIds: ["ber-3"], set: { site: "berlin", floor: "1" } });
    // b3 joined berlin (faces-2, priority 0) by its tags and got it.
    expect(projectsOf(ctx, "ber-3")).toEqual(["faces-2@1"]);
    const high = await deployToGroup(ctx, "static", { projectId: "faces", priority: 5 });
    expect(high.deployments.map((d) => d.deviceId)).toEqual(["ber-3"]);
    expect(projectsOf(ctx, "ber-3")).toEqual(["faces@1"]);
    expect(explainAssignment(ctx, "ber-3").reason).toMatch(/runs faces v1 from group static \(priority 5\), which outranks group berlin \(priority 0\)/);
    // A newer deployment of lower priority to berlin does not take b3, but does take b2.
    const low = await deployToGroup(ctx, "berlin", { projectId: "faces-2", priority: 1 });
    expect(low.deployments.map((d) => d.deviceId)).toEqual(["ber-2"]);
    expect(low.skipped).toContainEqual({ deviceId: "ber-3", reason: "runs the winning group deployment already" });
    expect(projectsOf(ctx, "ber-3")).toEqual(["faces@1"]);
    // Same priority: the newer wins.
    await deployToGroup(ctx, "berlin", { projectId: "faces-2", priority: 5 });
    expect(projectsOf(ctx, "ber-3")).toEqual(["faces-2@1"]);
  });

  it("a pinned device is skipped by group deployments and follows its groups again once unpinned", async () => {
    await changeDeviceTags(ctx, { deviceIds: ["pin-1"], set: { site: "berlin", floor: "2" } });
    expect(projectsOf(ctx, "pin-1")).toEqual(["faces-2@1"]);
    const pinned = await pinDevice(ctx, "pin-1", { project: "faces", version: 1 });
    expect(pinned.device.pin).toMatchObject({ projectId: "faces", version: 1 });
    expect(projectsOf(ctx, "pin-1")).toEqual(["faces-2@1", "faces@1"]);
    const skipped = await deployToGroup(ctx, "berlin", { projectId: "faces", priority: 5 });
    expect(skipped.skipped).toContainEqual({ deviceId: "pin-1", reason: "pinned" });
    expect(explainAssignment(ctx, "pin-1")).toMatchObject({ pinned: true, reason: expect.stringMatching(/^pinned to faces v1/) });
    // A rollout to the group is over its members less the pinned (no engine runs here: nobody is told).
    const rollout = createRollout(ctx, { projectId: "faces", group: "berlin", params: { batch: 1 } });
    expect(rollout.devices.map((d) => d.id).sort()).toEqual(resolveGroupDevices(ctx, "berlin").filter((id) => id !== "pin-1").sort());
    expect(rollout.devices.length).toBeGreaterThan(0);
    // The group page shows one page of members; the count is of all.
    const members = resolveGroupDevices(ctx, "berlin");
    expect(members.length).toBeGreaterThan(1);
    const second = groupDetail(ctx, "berlin", { limit: 1, offset: 1 });
    expect(second).toMatchObject({ total: members.length, devices: [{ id: members[1] }] });
    expect(groupDetail(ctx, "berlin").devices.map((d) => d.id)).toEqual(members);
    createGroup(ctx, { name: "canaries", devices: ["pin-1"] });
    expect(() => createRollout(ctx, { projectId: "faces", group: "canaries" })).toThrow(/group canaries: nothing to roll out to, all 1 of its devices are pinned/);
    expect(() => createRollout(ctx, { projectId: "faces", group: "canaries", deviceIds: ["ber-1"] })).toThrow(/either deviceIds or group/);
    const unpinned = await unpinDevice(ctx, "pin-1");
    expect(unpinned.device.pin).toBeNull();
    expect(unpinned.deployments.map((d) => d.projectName)).toEqual(["faces"]);
  });
});
