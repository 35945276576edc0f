import type { Redis } from "ioredis";

/**
 * Which node of a cluster holds each device, in the cluster's Redis, so that presence stays right
 * when a node dies (kill -9, power loss): nobody runs its disconnect handlers then, and its devices
 * would show online until they reconnect elsewhere, or for ever if they died with it. Each node
 * refreshes a key that expires after three heartbeats; the others sweep: a node whose key is gone
 * is dead, and each of its devices that no node took since is offline, handed to exactly one
 * sweeper by a compare-and-delete. A node that starts marks offline only the devices no live node
 * holds, not every device (the single broker's reset would take the other nodes' devices offline).
 */
const PREFIX = "edgelens:presence:";
const NODES = `${PREFIX}nodes`;
const HOLDER = `${PREFIX}holder`;
const alive = (node: string) => `${PREFIX}alive:${node}`;
const held = (node: string) => `${PREFIX}held:${node}`;

/** HDEL the holder only if it is still `node`, and SREM it from that node's set: 1 when it was. */
const RELEASE = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[1])
  return 1
end
redis.call('SREM', KEYS[2], ARGV[1])
return 0`;

export interface ClusterPresenceOptions {
  redis: Redis;
  node: string;
  heartbeatMs: number;
  /** A device of a dead node that no node holds any more: mark it offline. */
  onOrphaned(deviceId: string): void;
  onError(err: Error): void;
}

export class ClusterPresence {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly o: ClusterPresenceOptions) {}

  /** Announces this node, sweeps once (the nodes that died while none was there to see), then on every heartbeat. */
  async start(): Promise<void> {
    await this.beat();
    await this.sweep();
    this.timer = setInterval(() => {
      this.beat()
        .then(() => this.sweep())
        .catch((err: unknown) => this.o.onError(err as Error));
    }, this.o.heartbeatMs);
    this.timer.unref();
  }

  /** A clean stop (after aedes closed: its devices went offline through their disconnects): this node leaves the registry. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.o.redis.multi().del(alive(this.o.node)).srem(NODES, this.o.node).del(held(this.o.node)).exec();
  }

  /** A device's first connection on this node: it is this node's now, whichever held it before. */
  hold(deviceId: string): void {
    this.o.redis
      .multi()
      .hset(HOLDER, deviceId, this.o.node)
      .sadd(held(this.o.node), deviceId)
      .exec()
      .catch((err: unknown) => this.o.onError(err as Error));
  }

  /** Its last connection on this node went: released, unless another node took it meanwhile. */
  release(deviceId: string): void {
    this.o.redis.eval(RELEASE, 2, HOLDER, held(this.o.node), deviceId, this.o.node).catch((err: unknown) => this.o.onError(err as Error));
  }

  /**
   * Which of these devices a live node holds (for the start-up reset and dead nodes' wills);
   * `dead`: a node known dead whatever its key says (aedes decided so before the key expired).
   */
  async heldByLiveNodes(deviceIds: readonly string[], dead?: string): Promise<Set<string>> {
    const out = new Set<string>();
    if (deviceIds.length === 0) return out;
    const holders = await this.o.redis.hmget(HOLDER, ...deviceIds);
    const nodes = [...new Set(holders.filter((h): h is string => h !== null))];
    const live = new Set<string>();
    for (const node of nodes) if (node !== dead && (node === this.o.node || (await this.o.redis.exists(alive(node))) === 1)) live.add(node);
    deviceIds.forEach((id, i) => {
      const h = holders[i];
      if (h && live.has(h)) out.add(id);
    });
    return out;
  }

  private async beat(): Promise<void> {
    await this.o.redis.multi().set(alive(this.o.node), "1", "PX", this.o.heartbeatMs * 3).sadd(NODES, this.o.node).exec();
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const node of await this.o.redis.smembers(NODES)) {
        if (node === this.o.node || (await this.o.redis.exists(alive(node))) === 1) continue;
        for (const deviceId of await this.o.redis.smembers(held(node))) {
          const released = await this.o.redis.eval(RELEASE, 2, HOLDER, held(node), deviceId, node);
          if (released === 1) this.o.onOrphaned(deviceId);
        }
        // Another sweeper may be on the same node: removing an emptied set twice is harmless.
        if ((await this.o.redis.scard(held(node))) === 0) await this.o.redis.srem(NODES, node);
      }
    } finally {
      this.sweeping = false;
    }
  }
}
