import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import mqtt, { type MqttClient } from "mqtt";
import { dataPaths, openDatabase, rules, type DatabaseHandle } from "@edgelens/db";
import { signConsoleToken } from "@edgelens/shared";
import { filters, topics } from "@edgelens/shared/topics";
import { signalProcess } from "@edgelens/tooling/processes";
import { MqttLink } from "../src/mqtt/mqtt-link";
import type { Publisher } from "../src/mqtt/publisher";
import { Spool } from "../src/spool/spool";
import { SpoolDrainer } from "../src/spool/spool-drainer";
import { createLogger } from "../src/telemetry/logger";
import { startBroker, type BrokerProcess } from "./support/broker-process";
import { seedDevice } from "./support/seed-device";
import { makeTempDir } from "./support/temp-dir";

const DEVICE = "cam-d";
const DEVICE_SECRET = "secret-of-cam-d-0123456789";
const SECRET = "test-secret-0123456789abcdef";
/** Broker kills mid-stream, each after this many more acknowledged results. */
const KILLS = 3;
const ACKED_BEFORE_KILL = 150;
const TOTAL = 1200;

const seqOf = (payload: Buffer | string) => (JSON.parse(payload.toString()) as { seq: number }).seq;
const result = (seq: number) => JSON.stringify({ deviceId: DEVICE, projectId: "p", seq, ts: Date.now(), frame: { width: 640, height: 480 }, latencyMs: { total: 12, inference: 8 } });
/** Polls `check` until true (bounded: fails the test with `what`). */
const waitFor = (check: () => boolean, what: string, timeout: number) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout, interval: 25 },
  );

/**
 * Issue 14.3: a broker killed with SIGKILL loses no result a device saw acknowledged. A real
 * broker child, the agent's own spool, drainer and MQTT link (which delete a result only after
 * its PUBACK), a `store` rule and a persistent QoS 1 subscriber; the broker is killed several
 * times mid-stream and restarted on the same data dir and port. Before durable acks, aedes sent
 * the PUBACK before the offline queue and the 200 ms event batch were written.
 */
describe("durable acknowledgement across broker crashes", () => {
  const tmp = makeTempDir("durable-ack");
  const dir = tmp.path;
  let db: DatabaseHandle;
  let broker: BrokerProcess;
  let spool: Spool;
  let link: MqttLink;
  let drainer: SpoolDrainer;
  let sub: MqttClient;
  const acked = new Set<number>();
  const received: number[] = [];

  beforeAll(async () => {
    await seedDevice(dir, DEVICE, DEVICE_SECRET);
    db = openDatabase(dataPaths(dir).dbFile);
    db.db.insert(rules).values({ id: "keep", name: "keep", sql: `SELECT seq FROM '${filters.allOf("infer")}'`, actions: [{ type: "store", snapshot: false }], updatedAt: Date.now() }).run();
    broker = await startBroker(dir, { EDGELENS_SECRET: SECRET, EDGELENS_BROKER_LOG_LEVEL: "error" });

    const iat = Math.floor(Date.now() / 1000);
    const password = await signConsoleToken({ sub: "sub-d", role: "viewer", iat, exp: iat + 3600 }, SECRET);
    sub = await mqtt.connectAsync(broker.url, { clientId: "sub-d", username: "user:sub-d", password, clean: false, protocolVersion: 4, reconnectPeriod: 100, connectTimeout: 5000 });
    sub.on("message", (_topic, payload) => received.push(seqOf(payload)));
    await sub.subscribeAsync(filters.allOf("infer"), { qos: 1 });

    const log = createLogger({ level: "error", sinks: [] });
    spool = Spool.open({ path: join(dir, "device", "spool.db"), maxMessages: 100_000, maxBytes: 1e9 });
    link = new MqttLink({ brokerUrl: broker.url, deviceId: DEVICE, secret: DEVICE_SECRET, agentVersion: "test", keepaliveS: 30, connectTimeoutMs: 5000, backoff: { minMs: 50, maxMs: 200, jitter: 0 }, log });
    // What the device saw acknowledged: the drainer deletes the row on exactly this.
    const publisher: Publisher = {
      publish: async (topic, payload, opts) => {
        await link.publish(topic, payload, opts);
        if (topic === topics.infer(DEVICE)) acked.add(seqOf(payload));
      },
    };
    drainer = new SpoolDrainer(spool, publisher, link, { maxInflight: 32 });
    link.start();
  }, 60_000);

  afterAll(async () => {
    drainer?.stop();
    await link?.stop(100);
    await sub?.endAsync(true);
    await broker?.stop();
    spool?.close();
    db?.close();
    tmp.remove();
  });

  it("finds every acknowledged result in the events table and at the persistent subscriber", async () => {
    let produced = 0;
    const producer = setInterval(() => {
      for (let i = 0; i < 20 && produced < TOTAL; i++) spool.enqueue(topics.infer(DEVICE), result(++produced), { qos: 1 });
      drainer.kick();
      if (produced >= TOTAL) clearInterval(producer);
    }, 5);
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const target = acked.size + ACKED_BEFORE_KILL;
        await waitFor(() => acked.size >= target, `${target} acknowledged results before kill ${kill + 1}`, 20_000);
        signalProcess(broker.proc, "SIGKILL");
        await broker.proc.exited;
        await broker.restart();
      }
      await waitFor(() => produced >= TOTAL && spool.depth() === 0, "the spool to drain", 20_000);
    } finally {
      clearInterval(producer);
    }
    const stored = db.sqlite.prepare("SELECT json_extract(payload, '$.seq') AS seq FROM events").pluck().all() as number[];
    const missingAt = (seen: Iterable<number>) => {
      const got = new Set(seen);
      return [...acked].filter((s) => !got.has(s)).sort((a, b) => a - b);
    };
    await waitFor(() => missingAt(received).length === 0, "every acknowledged result at the persistent subscriber", 10_000).catch(() => undefined);
    const lostEvents = missingAt(stored);
    const lostSub = missingAt(received);
    console.info(
      `durable-ack: ${acked.size} acknowledged, lost: events ${lostEvents.length}, subscriber ${lostSub.length}; ` +
        `duplicates: events ${stored.length - new Set(stored).size}, subscriber ${received.length - new Set(received).size}`,
    );
    expect(acked.size).toBe(TOTAL);
    expect(lostEvents).toEqual([]);
    expect(lostSub).toEqual([]);
  }, 90_000);
});
