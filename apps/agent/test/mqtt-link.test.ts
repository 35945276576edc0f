import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { filters, topics } from "@edgelens/shared/topics";
import type { DeviceStatus } from "@edgelens/shared/schemas";
import { MqttLink } from "../src/mqtt/mqtt-link";
import { Spool } from "../src/spool/spool";
import { SpoolDrainer } from "../src/spool/spool-drainer";
import { startBroker, type BrokerProcess } from "./support/broker-process";
import { startTcpGate, type TcpGate } from "@edgelens/tooling/tcp-gate";
import { startObserver, type MqttObserver } from "./support/mqtt-observer";
import { removalState } from "./support/desired-state";
import { adminCredentials, seedDevice } from "./support/seed-device";
import { makeTempDir } from "./support/temp-dir";
import { memoryLogger } from "./support/test-logger";

const DEVICE = "cam-link-1";
const SECRET = "link-secret-0123456789";

describe("MQTT link and spool drain against the real broker", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let broker: BrokerProcess;
  let observer: MqttObserver;
  const links: MqttLink[] = [];

  let gate: TcpGate;
  const makeLink = (secret = SECRET) => {
    const { log, entries } = memoryLogger();
    const link = new MqttLink({
      brokerUrl: gate.url(),
      deviceId: DEVICE,
      secret,
      agentVersion: "0.1.0-test",
      keepaliveS: 10,
      connectTimeoutMs: 3000,
      backoff: { minMs: 100, maxMs: 400, jitter: 0 },
      log,
    });
    links.push(link);
    return { link, entries };
  };

  beforeAll(async () => {
    dir = makeTempDir("mqtt");
    const brokerDir = join(dir.path, "broker");
    await seedDevice(brokerDir, DEVICE, SECRET);
    broker = await startBroker(brokerDir);
    gate = await startTcpGate(() => broker.ports.mqtt);
    observer = await startObserver(broker.url, await adminCredentials(brokerDir), [filters.device(DEVICE)], "obs-link-test");
  });

  afterAll(async () => {
    for (const l of links) await l.stop(500);
    await observer?.close();
    await gate?.stop();
    await broker?.stop();
    dir?.remove();
  });

  it("says online (retained) on connect and offline when it stops", async () => {
    const { link } = makeLink();
    const connected = new Promise<void>((r) => link.onConnect(r));
    link.start();
    await connected;
    const statusTopic = topics.status(DEVICE);
    await observer.until(() => observer.json<DeviceStatus>(statusTopic).some((s) => s.state === "online"), "online status");
    await link.stop();
    await observer.until(() => observer.json<DeviceStatus>(statusTopic).at(-1)?.state === "offline", "offline status");
    expect(observer.json<DeviceStatus>(statusTopic).at(-1)).toMatchObject({ state: "offline", agentVersion: "0.1.0-test" });
  });

  it("receives its retained desired state and keeps retrying with a wrong secret", async () => {
    const desiredTopic = topics.shadowDesired(DEVICE);
    await observer.publish(desiredTopic, JSON.stringify(removalState("dep-remove-1")), { retain: true });
    const { link } = makeLink();
    const got: string[] = [];
    link.subscribe(desiredTopic, 1, (p) => got.push(p.toString()));
    link.start();
    await observer.until(() => got.length > 0, "retained desired state at the device");
    expect(JSON.parse(got[0]!)).toMatchObject({ deploymentId: "dep-remove-1", project: null });
    await link.stop();
    await observer.publish(desiredTopic, "", { retain: true });

    const bad = makeLink("not-the-right-secret-xx");
    bad.link.start();
    await observer.until(() => bad.entries.filter((e) => e.msg.startsWith("reconnecting in")).length >= 3, "three reconnect attempts");
    expect(bad.link.connected).toBe(false);
    expect(bad.entries.some((e) => e.level === "warn" && e.fields.code === "UNAUTHORIZED")).toBe(true);
    await bad.link.stop();
  });

  it("drains spooled results once and in order after the broker comes back", async () => {
    const spool = Spool.open({ path: join(dir.path, "spool.db"), maxMessages: 10_000, maxBytes: 1 << 24 });
    const { link } = makeLink();
    const drainer = new SpoolDrainer(spool, link, link, { maxInflight: 8 });
    const inferTopic = topics.infer(DEVICE);
    const enqueue = (n: number) => {
      for (let i = 0; i < n; i++) {
        spool.enqueueWithSeq("dep-a", inferTopic, (seq) =>
          JSON.stringify({ deviceId: DEVICE, projectId: "p1", deploymentId: "dep-a", seq, ts: Date.now(), frame: { width: 4, height: 4 }, latencyMs: { total: 1, inference: 1 } }),
        );
      }
      drainer.kick();
    };
    const connected = new Promise<void>((r) => link.onConnect(r));
    link.start();
    await connected;
    enqueue(20);
    await drainer.whenDrained();

    // The broker goes down; the device stays cut off until the observer is back, so nothing
    // the device sends can pass while no one listens.
    const gone = new Promise<void>((r) => link.onDisconnect(r));
    gate.close();
    await broker.stop();
    await gone;
    enqueue(30);
    expect(spool.depth()).toBe(30);
    await broker.restart();
    await observer.resubscribe();
    await gate.open();
    await observer.until(() => observer.on(inferTopic).length >= 50, "50 results at the observer", 60_000);
    await drainer.whenDrained();
    const seqs = observer.json<{ seq: number }>(inferTopic).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(spool.depth()).toBe(0);
    drainer.stop();
    spool.close();
  });
});
