import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import mqtt from "mqtt";
import { dataPaths, openDatabase, rules } from "@edgelens/db";
import { signConsoleToken } from "@edgelens/shared";
import { filters, topics } from "@edgelens/shared/topics";
import { signalProcess } from "@edgelens/tooling/processes";
import { startRedisServer, type RedisServer } from "@edgelens/tooling/redis-server";
import { MqttLink } from "../src/mqtt/mqtt-link";
import type { Publisher } from "../src/mqtt/publisher";
import { Spool } from "../src/spool/spool";
import { SpoolDrainer } from "../src/spool/spool-drainer";
import { createLogger } from "../src/telemetry/logger";
import { startBroker, type BrokerProcess } from "./support/broker-process";
import { seedDevice } from "./support/seed-device";
import { startTcpGate, type TcpGate } from "@edgelens/tooling/tcp-gate";
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
 * A device publishing numbered results through the agent's own spool, drainer and MQTT link
 * (which delete a result only after its PUBACK) to `deviceUrl`, and a persistent QoS 1
 * subscriber at `subscriberUrl`; `store` rule rows are read from the data dir's database.
 */
async function openStream(dir: string, deviceUrl: string, subscriberUrl: string) {
  const acked = new Set<number>();
  const received: number[] = [];
  const db = openDatabase(dataPaths(dir).dbFile);
  const iat = Math.floor(Date.now() / 1000);
  const password = await signConsoleToken({ sub: "sub-d", role: "viewer", iat, exp: iat + 3600 }, SECRET);
  const sub = await mqtt.connectAsync(subscriberUrl, { clientId: "sub-d", username: "user:sub-d", password, clean: false, protocolVersion: 4, reconnectPeriod: 100, connectTimeout: 5000 });
  sub.on("message", (_topic, payload) => received.push(seqOf(payload)));
  await sub.subscribeAsync(filters.allOf("infer"), { qos: 1 });
  const log = createLogger({ level: "error", sinks: [] });
  const spool = Spool.open({ path: join(dir, "device", "spool.db"), maxMessages: 100_000, maxBytes: 1e9 });
  const link = new MqttLink({ brokerUrl: deviceUrl, deviceId: DEVICE, secret: DEVICE_SECRET, agentVersion: "test", keepaliveS: 30, connectTimeoutMs: 5000, backoff: { minMs: 50, maxMs: 200, jitter: 0 }, log });
  // What the device saw acknowledged: the drainer deletes the row on exactly this.
  const publisher: Publisher = {
    publish: async (topic, payload, opts) => {
      await link.publish(topic, payload, opts);
      if (topic === topics.infer(DEVICE)) acked.add(seqOf(payload));
    },
  };
  const drainer = new SpoolDrainer(spool, publisher, link, { maxInflight: 32 });
  link.start();
  return {
    /** Produces TOTAL results; `kill(k)` runs after each ACKED_BEFORE_KILL more were acknowledged. */
    async run(kill: (k: number) => Promise<void>): Promise<void> {
      let produced = 0;
      const producer = setInterval(() => {
        for (let i = 0; i < 20 && produced < TOTAL; i++) spool.enqueue(topics.infer(DEVICE), result(++produced), { qos: 1 });
        drainer.kick();
        if (produced >= TOTAL) clearInterval(producer);
      }, 5);
      try {
        for (let k = 0; k < KILLS; k++) {
          // Bounded by TOTAL: a fast broker may have acknowledged nearly all before the last kill.
          const target = Math.min(TOTAL, acked.size + ACKED_BEFORE_KILL);
          await waitFor(() => acked.size >= target, `${target} acknowledged results before kill ${k + 1}`, 20_000);
          await kill(k);
        }
        await waitFor(() => produced >= TOTAL && spool.depth() === 0, "the spool to drain", 30_000);
      } finally {
        clearInterval(producer);
      }
    },
    async expectNothingLost(label: string): Promise<void> {
      const stored = db.sqlite.prepare("SELECT json_extract(payload, '$.seq') AS seq FROM events").pluck().all() as number[];
      const missingAt = (seen: Iterable<number>) => {
        const got = new Set(seen);
        return [...acked].filter((s) => !got.has(s)).sort((a, b) => a - b);
      };
      await waitFor(() => missingAt(received).length === 0, "every acknowledged result at the persistent subscriber", 10_000).catch(() => undefined);
      const lostEvents = missingAt(stored);
      const lostSub = missingAt(received);
      console.info(
        `${label}: ${acked.size} acknowledged, lost: events ${lostEvents.length}, subscriber ${lostSub.length}; ` +
          `duplicates: events ${stored.length - new Set(stored).size}, subscriber ${received.length - new Set(received).size}`,
      );
      expect(acked.size).toBe(TOTAL);
      expect(lostEvents).toEqual([]);
      expect(lostSub).toEqual([]);
    },
    async close(): Promise<void> {
      drainer.stop();
      await link.stop(100);
      await sub.endAsync(true);
      spool.close();
      db.close();
    },
  };
}

async function seedStore(dir: string): Promise<void> {
  await seedDevice(dir, DEVICE, DEVICE_SECRET);
  const db = openDatabase(dataPaths(dir).dbFile);
  try {
    db.db.insert(rules).values({ id: "keep", name: "keep", sql: `SELECT seq FROM '${filters.allOf("infer")}'`, actions: [{ type: "store", snapshot: false }], updatedAt: Date.now() }).run();
  } finally {
    db.close();
  }
}

/**
 * Issue 14.3: a broker killed with SIGKILL loses no result a device saw acknowledged. A real
 * broker child, a `store` rule and a persistent QoS 1 subscriber; the broker is killed several
 * times mid-stream and restarted on the same data dir and port. Before durable acks, aedes sent
 * the PUBACK before the offline queue and the 200 ms event batch were written.
 */
describe("durable acknowledgement across broker crashes", () => {
  const tmp = makeTempDir("durable-ack");
  let broker: BrokerProcess;
  let stream: Awaited<ReturnType<typeof openStream>>;

  beforeAll(async () => {
    await seedStore(tmp.path);
    broker = await startBroker(tmp.path, { EDGELENS_SECRET: SECRET, EDGELENS_BROKER_LOG_LEVEL: "error" });
    stream = await openStream(tmp.path, broker.url, broker.url);
  }, 60_000);

  afterAll(async () => {
    await stream?.close();
    await broker?.stop();
    tmp.remove();
  });

  it("finds every acknowledged result in the events table and at the persistent subscriber", async () => {
    await stream.run(async () => {
      signalProcess(broker.proc, "SIGKILL");
      await broker.proc.exited;
      await broker.restart();
    });
    await stream.expectNothingLost("durable-ack");
  }, 90_000);
});

/**
 * Issue 18.1: a cluster node that dies loses no acknowledged result. Two broker nodes over a real
 * redis-server on one SQLite file, device and subscriber each behind a TCP relay standing in for
 * the load balancer. Each kill takes the node the device is on (and, from the second on, the
 * subscriber's too): both reconnect to the other node and take their sessions over, the
 * subscriber's queue is in Redis, and the dead node comes back for the next round.
 */
describe("durable acknowledgement across the death of cluster nodes", () => {
  const tmp = makeTempDir("durable-ack-cluster");
  let redis: RedisServer;
  const nodes: BrokerProcess[] = [];
  let deviceLb: TcpGate;
  let subscriberLb: TcpGate;
  /** Where each relay sends new connections: the subscriber starts on the other node. */
  let deviceNode = 0;
  let subscriberNode = 1;
  let stream: Awaited<ReturnType<typeof openStream>>;

  beforeAll(async () => {
    await seedStore(tmp.path);
    redis = await startRedisServer();
    const env = { EDGELENS_SECRET: SECRET, EDGELENS_BROKER_LOG_LEVEL: "error", EDGELENS_BROKER_CLUSTER: redis.url, EDGELENS_BROKER_CLUSTER_HEARTBEAT_MS: "300" };
    nodes.push(await startBroker(tmp.path, env));
    nodes.push(await startBroker(tmp.path, env));
    deviceLb = await startTcpGate(() => nodes[deviceNode]!.ports.mqtt);
    subscriberLb = await startTcpGate(() => nodes[subscriberNode]!.ports.mqtt);
    stream = await openStream(tmp.path, deviceLb.url(), subscriberLb.url());
  }, 90_000);

  afterAll(async () => {
    await stream?.close();
    await Promise.all([deviceLb?.stop(), subscriberLb?.stop()]);
    for (const n of nodes) await n.stop();
    await redis?.stop();
    tmp.remove();
  });

  it("finds every acknowledged result in the events table and at the persistent subscriber, the device and subscriber moving between nodes", async () => {
    await stream.run(async () => {
      const dead = deviceNode;
      deviceNode = 1 - dead;
      if (subscriberNode === dead) subscriberNode = deviceNode;
      signalProcess(nodes[dead]!.proc, "SIGKILL");
      await nodes[dead]!.proc.exited;
      await nodes[dead]!.restart();
    });
    await stream.expectNothingLost("durable-ack-cluster");
  }, 120_000);
});
