import type { Redis } from "ioredis";
import type { Level } from "level";
import { z } from "zod";

export interface WaitingRequest {
  eventId: number;
  /** When it was asked (ms since the epoch): it expires that long after, across restarts too. */
  at: number;
}

/** Where the snapshot requests still waiting live, so a broker restart keeps them. */
export interface SnapshotRequestStore {
  load(): Promise<Map<string, WaitingRequest[]>>;
  /** Replaces each device's list; an empty list removes it. */
  save(entries: readonly (readonly [string, readonly WaitingRequest[]])[]): Promise<void>;
}

const WaitingListSchema = z.array(z.object({ eventId: z.number().int(), at: z.number() }));

/** A stored list, or null for one this broker did not write (dropped: its events just keep no picture). */
function readWaitingList(value: string): WaitingRequest[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = WaitingListSchema.safeParse(raw);
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}

/**
 * In the broker's LevelDB (`<data>/broker/`, next to the persistent sessions), in a sublevel of
 * its own: aedes-persistence-level reads only its own key prefixes (`retained:`, `will:`, ...).
 */
export function levelSnapshotRequests(db: Level<string, Buffer>): SnapshotRequestStore {
  const sub = db.sublevel<string, string>("edgelens-snapshot-requests", { valueEncoding: "utf8" });
  return {
    async load() {
      const found = new Map<string, WaitingRequest[]>();
      for await (const [deviceId, value] of sub.iterator()) {
        const list = readWaitingList(value);
        if (list) found.set(deviceId, list);
      }
      return found;
    },
    async save(entries) {
      await sub.batch(entries.map(([deviceId, list]) => (list.length > 0 ? { type: "put" as const, key: deviceId, value: JSON.stringify(list) } : { type: "del" as const, key: deviceId })));
    },
  };
}

/**
 * In the cluster's Redis (one hash, a field per device), so any node picks the requests up after a
 * restart; a device is on one node at a time, and that node writes its list.
 */
export function redisSnapshotRequests(redis: Redis, key = "edgelens:snapshot-requests"): SnapshotRequestStore {
  return {
    async load() {
      const found = new Map<string, WaitingRequest[]>();
      for (const [deviceId, value] of Object.entries(await redis.hgetall(key))) {
        const list = readWaitingList(value);
        if (list) found.set(deviceId, list);
      }
      return found;
    },
    async save(entries) {
      const tx = redis.multi();
      for (const [deviceId, list] of entries) {
        if (list.length > 0) tx.hset(key, deviceId, JSON.stringify(list));
        else tx.hdel(key, deviceId);
      }
      await tx.exec();
    },
  };
}
