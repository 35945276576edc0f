import { mkdirSync } from "node:fs";
import createPersistence, { type LevelPersistence } from "aedes-persistence-level";
import { Level } from "level";
import { EdgelensError } from "@edgelens/shared";
import { levelSnapshotRequests, type SnapshotRequestStore } from "./snapshots/snapshot-request-store";

/**
 * Retained messages, persistent sessions' subscriptions and their queued QoS 1/2 messages,
 * wills, and the snapshot requests still waiting, in LevelDB under `dataPaths(dir).brokerDir`,
 * so they survive a restart.
 */
export interface BrokerPersistence {
  persistence: LevelPersistence;
  snapshotRequests: SnapshotRequestStore;
  close(): Promise<void>;
}

export async function openPersistence(dir: string): Promise<BrokerPersistence> {
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
