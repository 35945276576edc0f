import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPaths, deployments } from "@edgelens/db";
import { DesiredStateSchema, filters, parseDeviceTopic } from "@edgelens/shared";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { signAdminToken } from "../src/server/mqtt/console-client";
import { deployProject, UNPUBLISHED_REASON } from "../src/server/services/deployments";
import { reconcileDesiredStates } from "../src/server/services/desired-reconcile";
import { registerDevice } from "../src/server/services/devices";
import { createProject } from "../src/server/services/projects";
import { startBroker, type BrokerProcess } from "./support/broker";
import { TEST_SECRET } from "./support/temp-context";

/**
 * What the broker retains on `+/shadow/desired`, device id -> deploymentId, read as a user would,
 * once `done` accepts it (retained messages come one by one after the SUBACK; no settle sleep).
 */
async function retainedDesired(url: string, done: (found: Map<string, string>) => boolean, timeoutMs = 15_000): Promise<Map<string, string>> {
  const client = await mqtt.connectAsync(url, { username: "user:reader", password: await signAdminToken(TEST_SECRET, "reader", 300), clientId: `_reader_${process.pid}`, clean: true });
  const found = new Map<string, string>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`retained desired states after ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(found))}`)), timeoutMs);
      client.on("message", (topic, payload, packet) => {
        const t = parseDeviceTopic(topic);
        if (packet.retain && t && payload.length > 0) found.set(t.deviceId, DesiredStateSchema.parse(JSON.parse(payload.toString())).deploymentId);
        if (done(found)) {
          clearTimeout(timer);
          resolve();
        }
      });
      client.subscribeAsync(filters.allOf("shadow/desired"), { qos: 1 }).catch(reject);
    });
    return found;
  } finally {
    await client.endAsync();
  }
}

describe("desired states published again when the broker lost them", () => {
  let dir: string;
  let broker: BrokerProcess;
  let ctx: ServiceContext;
  const deployed: Record<string, string> = {};

  const contextFor = (b: BrokerProcess) => createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: b.mqttUrl }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-reconcile-"));
    createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET })).handle.close();
    broker = await startBroker(dir, TEST_SECRET);
    ctx = contextFor(broker);
    await createProject(ctx, { name: "faces", template: "face-detection", config: { source: "/media/person.jpg" } });
    for (const id of ["cam-kept", "cam-lost", "cam-unpublished", "cam-idle"]) await registerDevice(ctx, { id });
    for (const id of ["cam-kept", "cam-lost", "cam-unpublished"]) deployed[id] = (await deployProject(ctx, { projectId: "faces", deviceIds: [id] }, "test"))[0]!.id;
    // A newer deployment the console could not publish (broker unreachable at the time): never on the broker.
    ctx.db.insert(deployments).values({ id: "dpl_never_sent", deviceId: "cam-unpublished", projectId: "faces", projectVersion: 1, state: "failed", reason: `${UNPUBLISHED_REASON} published: connect ECONNREFUSED`, createdAt: Date.now() + 1000 }).run();
  });

  afterAll(async () => {
    if (ctx) await closeContext(ctx);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves a broker that has every desired state alone", async () => {
    const outcome = await reconcileDesiredStates(ctx);
    expect(outcome).toEqual({ retained: 3, republished: [], failed: [] });
  });

  it("after the broker's store is lost, publishes each device's newest published desired state again", async () => {
    await closeContext(ctx);
    await broker.stop();
    rmSync(dataPaths(dir).brokerDir, { recursive: true, force: true });
    broker = await startBroker(dir, TEST_SECRET);
    ctx = contextFor(broker);
    // That the broker lost them shows in the outcome below: only cam-kept counts as retained.
    // One device got its desired state again by a new deployment before the reconcile ran.
    deployed["cam-kept"] = (await deployProject(ctx, { projectId: "faces", deviceIds: ["cam-kept"] }, "test"))[0]!.id;

    const outcome = await reconcileDesiredStates(ctx);
    expect(outcome.retained).toBe(1);
    expect(outcome.failed).toEqual([]);
    expect(outcome.republished.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      { deviceId: "cam-lost", deploymentId: deployed["cam-lost"] },
      // Not dpl_never_sent: the device never saw it, and publishing it now would start it unasked.
      { deviceId: "cam-unpublished", deploymentId: deployed["cam-unpublished"] },
    ]);
    const retained = await retainedDesired(broker.mqttUrl, (found) => found.size >= 3);
    expect(Object.fromEntries(retained)).toEqual({ "cam-kept": deployed["cam-kept"], "cam-lost": deployed["cam-lost"], "cam-unpublished": deployed["cam-unpublished"] });

    expect(await reconcileDesiredStates(ctx)).toEqual({ retained: 3, republished: [], failed: [] });
  });

  it("fails (to be retried) while the broker does not answer", async () => {
    const offline = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:1" }));
    try {
      await expect(reconcileDesiredStates(offline, { settleMs: 100 })).rejects.toThrow(/cannot reach the MQTT broker/);
    } finally {
      await closeContext(offline);
    }
  });
});
