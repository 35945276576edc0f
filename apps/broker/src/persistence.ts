import type { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import createPersistence, { type LevelPersistence } from "aedes-persistence-level";
import createRedisPersistence from "aedes-persistence-redis";
import { Redis } from "ioredis";
import { Level } from "level";
import MQEmitterRedis from "mqemitter-redis";
import { EdgelensError } from "@edgelens/shared";
import { levelSnapshotRequests, redisSnapshotRequests, type SnapshotRequestStore } from "./snapshots/snapshot-request-store";

/** How long a node waits for the cluster's Redis at start before it exits naming the URL. */
const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Retained messages, persistent sessions' subscriptions and their queued QoS 1/2 messages,
 * wills, and the snapshot requests still waiting, so they survive a restart: in LevelDB under
 * `dataPaths(dir).brokerDir` for one broker, or in the cluster's Redis (aedes-persistence-redis,
 * with mqemitter-redis routing messages between nodes) when `cluster` names one.
 */
export interface BrokerPersistence {
  /** Both stores have aedes-persistence's callback API (the level typings describe it). */
  persistence: LevelPersistence;
  /** The cluster's message router (aedes closes it with itself); absent: aedes' in-process one. */
  mq?: ReturnType<typeof MQEmitterRedis>;
  /** The cluster's Redis for the broker's own keys (cluster-presence.ts); absent for one broker. */
  redis?: Redis;
  snapshotRequests: SnapshotRequestStore;
  close(): Promise<void>;
}

/** `onError`: a cluster connection's error (ioredis reconnects by itself; the broker logs it). */
export async function openPersistence(dir: string, cluster: string | null = null, onError: (err: Error) => void = () => undefined): Promise<BrokerPersistence> {
  if (cluster) return openClusterPersistence(cluster, onError);
  mkdirSync(dir, { recursive: true });
  const db = new Level<string, Buffer>(dir);
  try {
    await db.open();
  } catch (err) {
    // LevelDB locks its folder: the usual cause is a second broker on the same data dir.
    throw new EdgelensError("INVALID_CONFIG", `cannot open broker persistence at ${dir}: ${(err as Error).message} (is another broker using this data dir?)`, { dir }, { cause: err });
  }
  const persistence = skipCleanSessionAckLookups(createPersistence(db));
  let closed = false;
  return {
    persistence,
    snapshotRequests: levelSnapshotRequests(db),
    close: async () => {
      if (closed) return;
      closed = true;
      await persistence.destroy();
    },
  };
}

/** Redis without its password, for messages. */
function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//•••@");
}

async function openClusterPersistence(url: string, onError: (err: Error) => void): Promise<BrokerPersistence> {
  const connect = async (): Promise<Redis> => {
    const conn = new Redis(url, { lazyConnect: true, connectTimeout: REDIS_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: null });
    conn.on("error", (err: Error) => onError(err));
    try {
      await conn.connect();
      return conn;
    } catch (err) {
      conn.disconnect();
      throw new EdgelensError("INVALID_CONFIG", `cannot reach the cluster's Redis at ${redactRedisUrl(url)} (EDGELENS_BROKER_CLUSTER): ${(err as Error).message}`, { field: "EDGELENS_BROKER_CLUSTER" }, { cause: err });
    }
  };
  const store = await connect();
  const snapshots = await connect();
  // The router's two connections: one only subscribes, and a ready check (INFO) sent on it after
  // its first SUBSCRIBE is refused by Redis; they reconnect by themselves.
  const router = () => {
    const conn = new Redis(url, { enableReadyCheck: false, maxRetriesPerRequest: null });
    conn.on("error", (err: Error) => onError(err));
    // mqemitter-redis closes with quit() and drops its promise: a connection that ends before the
    // reply rejects it, unhandled. The end is what it waits for, so the rejection means nothing.
    const quit = conn.quit.bind(conn);
    conn.quit = (() => quit().catch(() => "OK" as const)) as typeof conn.quit;
    return conn;
  };
  const mq = MQEmitterRedis({ subConn: router(), pubConn: router() });
  // mqemitter-redis re-emits each connection error on an emitter of its own (`state`) that nobody
  // listens to, so the first error of a router connection (Redis out of reach) was thrown as an
  // uncaught exception. The connections' own listeners above log it.
  (mq as unknown as { state: EventEmitter }).state.on("error", () => undefined);
  const persistence = skipCleanSessionAckLookups(createRedisPersistence({ conn: store }));
  let closed = false;
  return {
    persistence,
    mq,
    redis: snapshots,
    snapshotRequests: redisSnapshotRequests(snapshots),
    close: async () => {
      if (closed) return;
      closed = true;
      // aedes closes the router with itself; the store's connection goes with the persistence.
      await persistence.destroy();
      snapshots.disconnect();
    },
  };
}

/**
 * aedes looks up every PUBACK in the outgoing store (a LevelDB read), but a clean session never
 * stores outgoing QoS 1 messages (aedes writes them straight to the socket), so for those the
 * read always misses. Skipping it removed about a third of the broker's CPU per message in
 * bench/broker-vs-mosquitto.ts. Persistent sessions and the connect-time queue flush (which
 * passes publish packets, not PUBACKs) still go to the store.
 */
function skipCleanSessionAckLookups(persistence: LevelPersistence): LevelPersistence {
  const p = persistence as LevelPersistence & { outgoingClearMessageId(client: { clean?: boolean }, packet: { cmd?: string }, cb?: unknown): unknown };
  const original = p.outgoingClearMessageId.bind(p);
  p.outgoingClearMessageId = (client, packet, cb) => {
    if (cb === undefined && client.clean === true && packet.cmd === "puback") return Promise.resolve(undefined);
    return original(client, packet, cb);
  };
  return p;
}
