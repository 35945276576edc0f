import type { DataPaths, EdgelensDb } from "@edgelens/db";
import type { Logger } from "../log";
import { describeError } from "../log";
import type { BrokerMetrics } from "../metrics";
import type { SnapshotRequestStore, WaitingRequest } from "./snapshot-request-store";
import { linkSnapshot, writeArtifactFile } from "./snapshot-store";

export interface SnapshotCollectorOptions {
  /** A request no frame answered within this time is given up (default 15 s). */
  expiryMs?: number;
  /** Event ids that may wait for one device; the oldest is given up beyond that (default 32). */
  maxPerDevice?: number;
  /** Keeps the waiting requests across a restart (the broker's LevelDB); none: memory only. */
  store?: SnapshotRequestStore;
}

type Waiting = WaitingRequest;

/**
 * Links `store` events to the picture their `snapshot` command asks for. The agent answers on
 * `frames/{stream}` with raw JPEG bytes and no id (docs/design.md "Topics"), and what it sends is its
 * latest frame, so the correlation rule is: the first frame the device publishes after the
 * request answers every request of that device still waiting. Nothing here throws into aedes:
 * failures are logged with a code and the device id, and counted.
 */
export class SnapshotCollector {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly writes = new Set<Promise<void>>();
  private readonly expiryMs: number;
  private readonly maxPerDevice: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly store: SnapshotRequestStore | undefined;
  /** Devices whose list changed since it was last saved; saved in order, one batch at a time. */
  private readonly dirty = new Set<string>();
  private saving: Promise<void> | null = null;

  constructor(
    private readonly paths: DataPaths,
    private readonly db: EdgelensDb,
    private readonly log: Logger,
    private readonly metrics: BrokerMetrics,
    options: SnapshotCollectorOptions = {},
  ) {
    this.expiryMs = options.expiryMs ?? 15_000;
    this.maxPerDevice = options.maxPerDevice ?? 32;
    this.store = options.store;
  }

  /** Takes up the requests a previous run left waiting (call once, before devices connect). */
  async restore(now = Date.now()): Promise<void> {
    if (!this.store) return;
    for (const [deviceId, list] of await this.store.load()) {
      this.waiting.set(deviceId, [...list, ...(this.waiting.get(deviceId) ?? [])]);
      this.expireDevice(deviceId, now);
    }
    if (this.waiting.size > 0) this.startTimer();
  }

  /** Call before the `snapshot` command goes out, so that a fast answer finds the request. */
  expect(deviceId: string, eventId: number, now = Date.now()): void {
    if (this.closed) return;
    const list = this.waiting.get(deviceId) ?? [];
    list.push({ eventId, at: now });
    if (list.length > this.maxPerDevice) {
      const dropped = list.splice(0, list.length - this.maxPerDevice);
      this.metrics.snapshotRequests.inc({ outcome: "dropped" }, dropped.length);
      this.log.warn(`snapshot requests given up: more than ${this.maxPerDevice} wait for one device`, {
        code: "RATE_LIMITED",
        deviceId,
        eventIds: dropped.map((w) => w.eventId),
      });
    }
    this.waiting.set(deviceId, list);
    this.changed(deviceId);
    this.startTimer();
  }

  /** The `snapshot` command could not be sent: nobody will answer this request. */
  cancel(deviceId: string, eventId: number): void {
    const list = this.waiting.get(deviceId)?.filter((w) => w.eventId !== eventId);
    if (list && list.length > 0) this.waiting.set(deviceId, list);
    else this.waiting.delete(deviceId);
    this.changed(deviceId);
  }

  /** Event ids still waiting for `deviceId` (for tests and diagnostics). */
  pending(deviceId: string): number[] {
    return (this.waiting.get(deviceId) ?? []).map((w) => w.eventId);
  }

  /**
   * A validated `frames/*` publish of `deviceId` itself. Cheap when nothing waits (the preview
   * stream passes here at several frames per second); otherwise the write runs asynchronously.
   */
  onFrame(deviceId: string, payload: Buffer, now = Date.now()): void {
    if (this.closed || !this.waiting.has(deviceId)) return;
    this.expireDevice(deviceId, now);
    const list = this.waiting.get(deviceId);
    if (!list) return;
    const eventIds = list.map((w) => w.eventId);
    if (!looksLikeJpeg(payload)) {
      // The broker's payload check drops non-JPEG frames before they get here; this guards the
      // artifacts store should that check ever change. The requests wait for the next frame.
      this.log.warn("snapshot frame ignored: not JPEG bytes", { code: "INVALID_PAYLOAD", deviceId, eventIds });
      return;
    }
    this.waiting.delete(deviceId);
    this.changed(deviceId);
    // aedes owns the packet buffer; the write outlives this turn of the event loop.
    const bytes = Buffer.from(payload);
    const write = this.link(deviceId, eventIds, bytes).finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  /** Stops the expiry timer and waits for the writes in flight (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.writes, this.saving]);
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.expire(Date.now()), Math.max(50, Math.min(1000, this.expiryMs / 4)));
    this.timer.unref();
  }

  private changed(deviceId: string): void {
    if (!this.store) return;
    this.dirty.add(deviceId);
    this.saving ??= this.save(this.store);
  }

  /** Saves the dirty lists as they are now, batch after batch, until none is left. */
  private async save(store: SnapshotRequestStore): Promise<void> {
    while (this.dirty.size > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      try {
        await store.save(ids.map((id) => [id, this.waiting.get(id) ?? []] as const));
      } catch (err) {
        this.log.error(`could not save snapshot requests: ${describeError(err)}`, { code: "INTERNAL", deviceIds: ids });
      }
    }
    this.saving = null;
  }

  private async link(deviceId: string, eventIds: number[], bytes: Buffer): Promise<void> {
    try {
      const stored = await writeArtifactFile(this.paths, bytes);
      linkSnapshot(this.db, stored, eventIds);
      this.metrics.snapshotRequests.inc({ outcome: "stored" }, eventIds.length);
      this.log.debug("snapshot stored", { deviceId, eventIds, sha256: stored.sha256, size: stored.size });
    } catch (err) {
      this.metrics.snapshotRequests.inc({ outcome: "failed" }, eventIds.length);
      this.log.error(`could not store a snapshot: ${describeError(err)}`, { code: "INTERNAL", deviceId, eventIds });
    }
  }

  private expire(now: number): void {
    for (const deviceId of [...this.waiting.keys()]) this.expireDevice(deviceId, now);
    if (this.waiting.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private expireDevice(deviceId: string, now: number): void {
    const list = this.waiting.get(deviceId);
    if (!list) return;
    const live = list.filter((w) => now - w.at < this.expiryMs);
    if (live.length === list.length) return;
    if (live.length > 0) this.waiting.set(deviceId, live);
    else this.waiting.delete(deviceId);
    this.changed(deviceId);
    const expired = list.filter((w) => now - w.at >= this.expiryMs).map((w) => w.eventId);
    this.metrics.snapshotRequests.inc({ outcome: "expired" }, expired.length);
    this.log.warn(`snapshot request expired: no frame from the device within ${this.expiryMs} ms`, { code: "NOT_FOUND", deviceId, eventIds: expired });
  }
}

/** JPEG's start-of-image marker (ITU T.81 B.1.1.3): FF D8 followed by the next marker's FF. */
function looksLikeJpeg(payload: Buffer): boolean {
  return payload.length >= 4 && payload[0] === 0xff && payload[1] === 0xd8 && payload[2] === 0xff;
}

