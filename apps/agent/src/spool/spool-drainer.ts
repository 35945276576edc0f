import type { LinkState, Publisher } from "../mqtt/publisher";
import type { Spool, SpoolMessage } from "./spool";

export interface SpoolDrainerOptions {
  /** Messages sent ahead of their PUBACKs; 1 gives strict stop-and-wait. */
  maxInflight: number;
  onError?: (err: unknown, msg: SpoolMessage) => void;
}

/**
 * Sends spooled messages in id order while the link is up and deletes each only after its
 * PUBACK. A drop of the link forgets what was in flight: those rows are still in the spool and
 * go again, first, on the next session (at-least-once: a PUBACK lost with the connection is the
 * only way a consumer sees a message twice, and (deploymentId, seq) identifies it).
 */
export class SpoolDrainer {
  private cursor = 0;
  private inflight = new Set<number>();
  private session = -1;
  private pumping = false;
  private stopped = false;
  private readonly unsubscribe: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly spool: Spool,
    private readonly publisher: Publisher,
    private readonly link: LinkState,
    private readonly options: SpoolDrainerOptions,
  ) {
    this.unsubscribe.push(
      link.onConnect(() => this.kick()),
      link.onDisconnect(() => this.reset()),
    );
  }

  /** Call after an enqueue (and it is called on connect): sends whatever the window allows. */
  kick(): void {
    if (this.stopped || !this.link.connected) return;
    if (this.session !== this.link.session) {
      this.reset();
      this.session = this.link.session;
    }
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.link.connected && this.inflight.size < this.options.maxInflight) {
        const rows = this.spool.peekAfter(this.cursor, this.options.maxInflight - this.inflight.size);
        if (rows.length === 0) break;
        for (const row of rows) this.send(row);
      }
    } finally {
      this.pumping = false;
    }
    this.notifyIdle();
  }

  /** Resolves once the spool is empty and nothing is in flight (or the drainer stops). */
  whenDrained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    this.notifyIdle(true);
  }

  private send(row: SpoolMessage): void {
    const session = this.session;
    this.cursor = row.id;
    this.inflight.add(row.id);
    this.publisher.publish(row.topic, row.payload, { qos: row.qos, retain: row.retain }).then(
      () => {
        if (session !== this.session) return;
        this.spool.ack(row.id, row.payload.length);
        this.inflight.delete(row.id);
        this.kick();
      },
      (err: unknown) => {
        // The link reports its own drop; the row stays for the next session.
        if (session === this.session && this.link.connected) this.options.onError?.(err, row);
      },
    );
  }

  private reset(): void {
    this.cursor = 0;
    this.inflight = new Set();
    this.session = -1;
  }

  private isDrained(): boolean {
    return this.inflight.size === 0 && this.spool.depth() === 0;
  }

  private notifyIdle(force = false): void {
    if (!force && !this.isDrained()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
