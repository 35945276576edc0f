import { events, type EdgelensDb } from "@edgelens/db";
import type { Logger } from "../log";
import { describeError } from "../log";

export type EventRow = typeof events.$inferInsert;

/**
 * `store` writes events in batches, one transaction each, instead of one commit per matched
 * message. `add` resolves with the row id once committed (WAL: a killed broker keeps it).
 * With `intervalMs` 0 (durable acks) it is group commit: every row added while the event loop was
 * busy is committed on its next turn, so the PUBACKs waiting on one batch are released together
 * (src/delivery/durable-ack.ts); otherwise a batch per interval. Past `maxBatch` rows, at once.
 */
export class EventWriter {
  private queue: { row: EventRow; resolve: (id: number) => void; reject: (err: unknown) => void }[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly db: EdgelensDb,
    private readonly log: Logger,
    private readonly intervalMs = 200,
    private readonly maxBatch = 500,
  ) {
    this.timer = intervalMs > 0 ? setInterval(() => this.flush(), intervalMs) : null;
    this.timer?.unref();
  }

  add(row: EventRow): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (this.intervalMs === 0) this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      const ids = this.db.transaction((tx) => batch.map(({ row }) => tx.insert(events).values(row).returning({ id: events.id }).get().id));
      batch.forEach((item, i) => item.resolve(ids[i] ?? -1));
    } catch (err) {
      this.log.error(`could not store ${batch.length} events: ${describeError(err)}`, { code: "INTERNAL" });
      for (const item of batch) item.reject(err);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}
