/**
 * Two cluster nodes, each reaching Redis through its own TCP gate, so that the test cuts one node
 * or both off from Redis while every device stays connected to its node. While Redis is out of
 * reach every node's presence key expires (cluster-presence.ts). When the paths come back one after
 * the other, as ioredis' staggered reconnects bring them, the first node back must not take the
 * other node's live devices offline (sweep, or aedes firing that node's wills); and a node cut off
 * long enough to be swept by the others hands its devices back online when it returns.
 */
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import type { MqttClient } from "mqtt";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { startRedisServer, type RedisServer } from "@edgelens/tooling/redis-server";
import { startTcpGate, type TcpGate } from "@edgelens/tooling/tcp-gate";
import { createLogger } from "../src/log";
import { startBroker, type RunningBroker } from "../src/server";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox, waitFor } from "./support/messages";

// Long enough that node 2's reconnect (ioredis' backoff, ~0.5 s after an outage of a few seconds,
// plus a beat) falls well inside node 1's wait of three beats on a loaded CI box; short enough for a test.
const HEARTBEAT_MS = 1000;
const PREFIX = "edgelens:presence:";

describe("a cluster node cut off from Redis", () => {
  let redis: RedisServer;
  let gates: TcpGate[] = [];
  let f: Fixture;
  let node2: RunningBroker;
  let store: Redis;
  const clients: MqttClient[] = [];
  const [onNode1, onNode2] = ["cam-o1", "cam-o2"];
  const nodeOf: Record<string, string> = {};
  /** Every presence the database showed for each device, sampled while the test runs. */
  const seen: Record<string, Set<string>> = { [onNode1]: new Set(), [onNode2]: new Set() };
  let sampler: NodeJS.Timeout | undefined;
  let statuses: Inbox;

  const presenceOf = (id: string) => f.db.db.select().from(devices).where(eq(devices.id, id)).get()?.presence;
  const aliveKey = (id: string) => `${PREFIX}alive:${nodeOf[id]!}`;
  const isAlive = async (id: string) => (await store.exists(aliveKey(id))) === 1;
  /** Resolves once the node of `id` has refreshed its presence key `count` times (its TTL went up). */
  const beats = async (id: string, count: number): Promise<void> => {
    let last = await store.pttl(aliveKey(id));
    let n = 0;
    await waitFor(async () => {
      const ttl = await store.pttl(aliveKey(id));
      if (ttl > last) n += 1;
      last = ttl;
      return n >= count || undefined;
    }, `${count} heartbeats of ${nodeOf[id]!}`);
  };
  const offlineStatuses = (id: string) => statuses.on(topics.status(id)).filter((m) => (m.json() as { state?: string }).state === "offline");

  beforeAll(async () => {
    redis = await startRedisServer();
    gates = [await startTcpGate(() => redis.port, { whenClosed: "refuse" }), await startTcpGate(() => redis.port, { whenClosed: "refuse" })];
    f = await startFixture({ EDGELENS_BROKER_CLUSTER: gates[0]!.url("redis"), EDGELENS_BROKER_CLUSTER_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    node2 = await startBroker({ ...f.config, mqttPort: 0, wsPort: 0, httpPort: 0, cluster: gates[1]!.url("redis") }, { log: createLogger("error") });
    store = new Redis(redis.url);

    const secrets = { [onNode1]: await f.addDevice(onNode1), [onNode2]: await f.addDevice(onNode2) };
    // As an agent does: a retained offline status as its will, which aedes fires for a node it thinks dead.
    const will = (id: string) => ({ topic: topics.status(id), payload: Buffer.from(JSON.stringify({ state: "offline", agentVersion: "0.0.0-test", ts: Date.now() })), qos: 1 as const, retain: true });
    clients.push(await f.device(onNode1, secrets[onNode1]!, { will: will(onNode1) }));
    clients.push(
      await mqtt.connectAsync(`mqtt://127.0.0.1:${node2.mqttPort}`, { clientId: onNode2, username: onNode2, password: secrets[onNode2], reconnectPeriod: 0, protocolVersion: 4, will: will(onNode2) }),
    );
    await waitFor(() => (presenceOf(onNode1) === "online" && presenceOf(onNode2) === "online") || undefined, "both devices online");
    for (const id of [onNode1, onNode2]) nodeOf[id] = await waitFor(async () => (await store.hget(`${PREFIX}holder`, id)) ?? undefined, `${id}'s holder`);
    expect(nodeOf[onNode1]).not.toBe(nodeOf[onNode2]);

    const admin = await f.admin();
    clients.push(admin);
    statuses = new Inbox(admin);
    await admin.subscribeAsync(topics.status("+"), { qos: 1 });
    sampler = setInterval(() => {
      for (const id of [onNode1, onNode2]) seen[id]!.add(presenceOf(id) ?? "gone");
    }, 20);
  });

  afterAll(async () => {
    clearInterval(sampler);
    await Promise.all(gates.map((g) => g.open()));
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await node2?.close();
    await f?.close();
    store?.disconnect();
    await Promise.all(gates.map((g) => g.stop()));
    await redis?.stop();
  });

  it("Redis out of reach for both nodes, back for one first: no live device goes offline", async () => {
    gates[0]!.close();
    gates[1]!.close();
    await waitFor(async () => (!(await isAlive(onNode1)) && !(await isAlive(onNode2))) || undefined, "both nodes' presence keys expired");
    await gates[0]!.open();
    await waitFor(() => isAlive(onNode1), "node 1 beating again");
    // Node 1 has beaten since it came back: without the wait it would have swept node 2 by now.
    await beats(onNode1, 1);
    await gates[1]!.open();
    await waitFor(() => isAlive(onNode2), "node 2 beating again");
    // Past the three beats' wait and aedes' will check (every four beats) on both nodes.
    await beats(onNode1, 6);

    expect(await store.hget(`${PREFIX}holder`, onNode2)).toBe(nodeOf[onNode2]);
    expect(await store.hget(`${PREFIX}holder`, onNode1)).toBe(nodeOf[onNode1]);
    expect([...seen[onNode1]!]).toEqual(["online"]);
    expect([...seen[onNode2]!]).toEqual(["online"]);
    const offlinePayloads = (id: string) => offlineStatuses(id).map((m) => m.payload.toString());
    expect(offlinePayloads(onNode1)).toEqual([]);
    expect(offlinePayloads(onNode2)).toEqual([]);
  }, 60_000);

  it("a node cut off long enough to be swept: its devices are online again when it comes back", async () => {
    gates[1]!.close();
    await waitFor(() => presenceOf(onNode2) === "offline" || undefined, "node 2's device swept offline by node 1");
    await waitFor(() => offlineStatuses(onNode2).length > 0 || undefined, "its offline status");
    await gates[1]!.open();
    await waitFor(() => presenceOf(onNode2) === "online" || undefined, "node 2's device online again");
    await waitFor(() => (statuses.on(topics.status(onNode2)).at(-1)?.json() as { state?: string } | undefined)?.state === "online" || undefined, "its online status");
    expect(await store.hget(`${PREFIX}holder`, onNode2)).toBe(nodeOf[onNode2]);
    expect(await store.sismember(`${PREFIX}held:${nodeOf[onNode2]!}`, onNode2)).toBe(1);
    expect(presenceOf(onNode1)).toBe("online");
  }, 60_000);
});
