import type { Redis } from "ioredis";

/**
 * Which node of a cluster holds each device, in the cluster's Redis, so that presence stays right
 * when a node dies (kill -9, power loss): nobody runs its disconnect handlers then, and its devices
 * would show online until they reconnect elsewhere, or for ever if they died with it. Each node
 * refreshes a key that expires after three heartbeats; the others sweep: a node whose key is gone
 * is dead, and each of its devices that no node took since is offline, handed to exactly one
 * sweeper by a compare-and-delete. A node that starts marks offline only the devices no live node
 * holds, not every device (the single broker's reset would take the other nodes' devices offline).
 *
 * Redis out of reach: every node's key may expire, and ioredis brings each connection back after
 * its own backoff, so the first node back would find the others' keys missing and take their live
 * devices offline. A node that was cut off (a heartbeat that took over two beats, or a reconnect)
 * therefore sweeps only once three beats have passed since it came back, and writes its holdings
 * again from its live connections: holds and releases sent meanwhile may be lost, Redis may have
 * restarted empty, and a node that was cut off for longer was swept by the others meanwhile, so it
 * hands its devices back to be marked online again (`onReclaimed`).
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
  /** The devices connected to this node now. */
  localDevices(): string[];
  /** This node's devices, held again after an outage: any a sweeper took offline meanwhile is online. */
  onReclaimed(deviceIds: readonly string[]): void;
  onError(err: Error): void;
}

export class ClusterPresence {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private sweeping = false;
  private lastBeatAt = 0;
  private reconnected = false;
  private sweepNotBefore = 0;
  private readonly onReady = (): void => {
    this.reconnected = true;
    this.sweepNotBefore = Date.now() + this.o.heartbeatMs * 3;
  };

  constructor(private readonly o: ClusterPresenceOptions) {}

  /** Announces this node, sweeps once (the nodes that died while none was there to see), then on every heartbeat. */
  async start(): Promise<void> {
    await this.beat();
    await this.sweep();
    // The connection is up already (the caller connected it): each later `ready` is a reconnect.
    this.o.redis.on("ready", this.onReady);
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      this.tick()
        .catch((err: unknown) => this.o.onError(err as Error))
        .finally(() => {
          this.ticking = false;
        });
    }, this.o.heartbeatMs);
    this.timer.unref();
  }

  /** A clean stop (after aedes closed: its devices went offline through their disconnects): this node leaves the registry. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.o.redis.off("ready", this.onReady);
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
    // Cut off, or just back: aedes missed the heartbeats meanwhile and calls live nodes dead, and
    // their keys may still be missing. Their own next beats tell, once the wait is over.
    if (this.inDoubt()) {
      dead = undefined;
      while (this.inDoubt() && this.timer) await new Promise((resolve) => setTimeout(resolve, this.o.heartbeatMs / 3));
    }
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

  /** This node's view of the others is not to be trusted: no beat for two beats, or just back from an outage. */
  private inDoubt(): boolean {
    const now = Date.now();
    return now < this.sweepNotBefore || now - this.lastBeatAt > this.o.heartbeatMs * 2;
  }

  private async tick(): Promise<void> {
    const previous = this.lastBeatAt;
    await this.beat();
    const cutOff = this.reconnected || this.lastBeatAt - previous > this.o.heartbeatMs * 2;
    if (cutOff) {
      this.reconnected = false;
      this.sweepNotBefore = this.lastBeatAt + this.o.heartbeatMs * 3;
      await this.holdAgain();
    }
    if (Date.now() >= this.sweepNotBefore) await this.sweep();
  }

  private async beat(): Promise<void> {
    await this.o.redis.multi().set(alive(this.o.node), "1", "PX", this.o.heartbeatMs * 3).sadd(NODES, this.o.node).exec();
    this.lastBeatAt = Date.now();
  }

  /** This node's holdings written again from its live connections (see the class comment). */
  private async holdAgain(): Promise<void> {
    const local = this.o.localDevices();
    const localSet = new Set(local);
    const gone = (await this.o.redis.smembers(held(this.o.node))).filter((id) => !localSet.has(id));
    for (let i = 0; i < gone.length; i += 1000) {
      const batch = this.o.redis.pipeline();
      for (const id of gone.slice(i, i + 1000)) batch.eval(RELEASE, 2, HOLDER, held(this.o.node), id, this.o.node);
      await batch.exec();
    }
    for (let i = 0; i < local.length; i += 1000) {
      const ids = local.slice(i, i + 1000);
      await this.o.redis
        .multi()
        .hset(HOLDER, Object.fromEntries(ids.map((id) => [id, this.o.node])))
        .sadd(held(this.o.node), ...ids)
        .exec();
    }
    this.o.onReclaimed(local);
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
