import type { Client } from "aedes";

type NextBatch = (err?: Error | null) => void;

/** aedes 1.2 (lib/client.js) reads a client's socket in `_nextBatch`: on 'readable' and after each packet of a batch. */
interface ReadInternals {
  _nextBatch?: NextBatch;
  closed?: boolean;
  conn: { writableLength?: number; listeners(event: string): unknown[]; removeListener(event: string, fn: NextBatch): unknown; on(event: string, fn: NextBatch): unknown };
}

export interface BackpressureOptions {
  /** Unsent bytes, summed over the clients that are reading, above which heavy publishers are paused. */
  highWaterBytes: number;
  /** Below this every paused publisher is resumed. */
  lowWaterBytes: number;
  /** How often the backlog is measured. */
  intervalMs?: number;
  /**
   * A client that drains nothing this long while publishers are held is stalled, not slow: its
   * backlog stops counting (the slow-consumer drop of client-backlog-guard.ts deals with it), so one
   * frozen subscriber cannot hold every publisher of the broker.
   */
  stallMs?: number;
}

export interface BackpressureEvents {
  measured(backlogBytes: number): void;
  paused(count: number, backlogBytes: number): void;
  resumed(count: number, backlogBytes: number): void;
}

/** One publisher's read gate: completions and 'readable' events it held back while paused. */
interface Gate {
  original: NextBatch;
  paused: boolean;
  deferred: number;
  /** Payload bytes it published since the last measurement. */
  bytes: number;
}

interface Consumer {
  last: number;
  progressAt: number;
  stalled: boolean;
  /** QoS 1/2 deliveries written and not yet acknowledged, and their mean size. */
  unacked: number;
  forwarded: number;
  forwardedBytes: number;
}

/**
 * Backpressure at saturation (issue 14.2). aedes reads a publisher's next packets as soon as the
 * previous batch is handed on, and with the slow-consumer guard a delivery is done once it is in
 * the subscriber's socket buffer, so above capacity the unsent bytes for subscribers grew until
 * the 16 MiB drop, and before that in the kernel's socket buffers (megabytes on loopback), which
 * `writableLength` does not show. So a client's backlog is the larger of its unsent bytes and its
 * unacknowledged QoS 1/2 deliveries (times their mean size): those acknowledgements only come
 * back once the client has read them. Every `intervalMs` the backlogs are summed; above
 * the high-water mark the publishers that sent at least their fair share since the last
 * measurement stop being read (their TCP windows fill, so the devices slow down), more of them
 * each interval while it stays high, and all resume under the low-water mark.
 *
 * aedes' own `pause()`/`resume()` lose a count: a packet finishing while paused is not
 * counted, and after `resume()` the client may never read again. The gate here instead holds
 * back those calls and replays them in order on resume. Returns false from `attach` when aedes'
 * internals changed.
 *
 * A measurement visits only the clients that can hold a backlog (those the broker forwarded to
 * since they were last drained) and the publishers that sent since the last one: with 20,000
 * mostly idle devices, visiting every client 40 times a second took half a core (bench/fleet.ts).
 */
export class PublisherBackpressure {
  private readonly gates = new Map<Client, Gate>();
  /** Gates that published since the last measurement. */
  private readonly sent = new Set<Gate>();
  private readonly consumers = new WeakMap<Client, Consumer>();
  /** Clients forwarded to and not yet seen drained: the only ones whose backlog can be above 0. */
  private readonly watched = new Set<Client>();
  private sweepAt = 0;
  private readonly intervalMs: number;
  private readonly stallMs: number;
  private timer: NodeJS.Timeout | null = null;
  private holding = false;
  private pausedCount = 0;

  constructor(
    private readonly options: BackpressureOptions,
    private readonly events: BackpressureEvents,
  ) {
    this.intervalMs = options.intervalMs ?? 25;
    this.stallMs = options.stallMs ?? 1000;
  }

  get paused(): number {
    return this.pausedCount;
  }

  start(): void {
    if (this.timer || this.options.highWaterBytes <= 0) return;
    this.timer = setInterval(() => this.measure(), this.intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.resumeAll(0);
  }

  /** Puts a read gate on a new connection's client. */
  attach(client: Client): boolean {
    const c = client as unknown as ReadInternals;
    const original = c._nextBatch;
    if (typeof original !== "function" || !c.conn.listeners("readable").includes(original)) return false;
    const gate: Gate = { original, paused: false, deferred: 0, bytes: 0 };
    const gated: NextBatch = (err) => {
      if (gate.paused && !err) {
        gate.deferred++;
        return;
      }
      original(err);
    };
    c._nextBatch = gated;
    c.conn.removeListener("readable", original);
    c.conn.on("readable", gated);
    this.gates.set(client, gate);
    return true;
  }

  /** Counts what a client published (from the `published` hook). */
  account(client: Client, bytes: number): void {
    const gate = this.gates.get(client);
    if (!gate) return;
    gate.bytes += bytes;
    this.sent.add(gate);
  }

  /** A delivery to `client` (from authorizeForward); one at QoS 1/2 is outstanding until `acked`. */
  forwarded(client: Client, bytes: number, qos: number): void {
    if (!this.watched.has(client)) {
      this.watched.add(client);
      // Its stall clock starts now, not when it last drained.
      const known = this.consumers.get(client);
      if (known) known.progressAt = Date.now();
    }
    if (qos === 0) return;
    const c = this.consumer(client, Date.now());
    c.unacked++;
    c.forwarded++;
    c.forwardedBytes += bytes;
  }

  acked(client: Client): void {
    const c = this.consumers.get(client);
    if (c && c.unacked > 0) c.unacked--;
  }

  private consumer(client: Client, now: number): Consumer {
    let c = this.consumers.get(client);
    if (!c) {
      c = { last: 0, progressAt: now, stalled: false, unacked: 0, forwarded: 0, forwardedBytes: 0 };
      this.consumers.set(client, c);
    }
    return c;
  }

  /** Samples the backlog and pauses or resumes publishers. Public so tests can step it. */
  measure(now = Date.now()): number {
    const backlog = this.backlog(now);
    this.events.measured(backlog);
    if (this.holding && backlog <= this.options.lowWaterBytes) {
      this.resumeAll(backlog);
    } else if (backlog > this.options.highWaterBytes) {
      this.holding = true;
      const newly = this.pauseHeaviest();
      if (newly > 0) this.events.paused(newly, backlog);
    }
    for (const gate of this.sent) gate.bytes = 0;
    this.sent.clear();
    // Closed publishers' gates go once a second: a paused one must stop counting as paused.
    if (now >= this.sweepAt) {
      this.sweepAt = now + 1000;
      for (const [client, gate] of this.gates) {
        if (!(client as unknown as ReadInternals).closed) continue;
        this.gates.delete(client);
        if (gate.paused) this.pausedCount--;
      }
    }
    return backlog;
  }

  private backlog(now: number): number {
    let total = 0;
    for (const client of this.watched) {
      const internals = client as unknown as ReadInternals;
      const unsent = internals.closed ? 0 : (internals.conn.writableLength ?? 0);
      const known = this.consumers.get(client);
      if (internals.closed || (unsent === 0 && (known?.unacked ?? 0) === 0)) {
        // Drained (or gone): the next delivery to it watches it again.
        if (known) {
          known.last = 0;
          known.stalled = false;
        }
        this.watched.delete(client);
        continue;
      }
      const c = known ?? this.consumer(client, now);
      const bytes = c.unacked > 0 ? Math.max(unsent, Math.round((c.unacked * c.forwardedBytes) / c.forwarded)) : unsent;
      if (bytes < c.last || bytes === 0) {
        c.progressAt = now;
        c.stalled = false;
      } else if (!this.holding && !c.stalled) {
        // Growing while publishers run is what a slow reader does; only a held broker tells stalled apart.
        c.progressAt = now;
      }
      if (!c.stalled && now - c.progressAt >= this.stallMs) c.stalled = true;
      c.last = bytes;
      if (!c.stalled) total += bytes;
    }
    return total;
  }

  /** Pauses the running publishers that sent at least the mean of those that sent anything. */
  private pauseHeaviest(): number {
    let sum = 0;
    let active = 0;
    for (const gate of this.sent) {
      if (gate.paused || gate.bytes === 0) continue;
      sum += gate.bytes;
      active++;
    }
    if (active === 0) return 0;
    const mean = sum / active;
    let newly = 0;
    for (const gate of this.sent) {
      if (gate.paused || gate.bytes === 0 || gate.bytes < mean) continue;
      gate.paused = true;
      newly++;
    }
    this.pausedCount += newly;
    return newly;
  }

  private resumeAll(backlog: number): void {
    this.holding = false;
    if (this.pausedCount === 0) return;
    const count = this.pausedCount;
    this.pausedCount = 0;
    for (const gate of this.gates.values()) {
      if (!gate.paused) continue;
      gate.paused = false;
      const deferred = gate.deferred;
      gate.deferred = 0;
      for (let i = 0; i < deferred; i++) gate.original();
    }
    this.events.resumed(count, backlog);
  }
}
