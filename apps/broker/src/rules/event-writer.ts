import { events, type EdgelensDb } from "@edgelens/db";
import type { Logger } from "../log";
import { describeError } from "../log";

export type EventRow = typeof events.$inferInsert;

/**
 * `store` writes events in batches: one transaction per interval (or per `maxBatch` rows) instead
 * of one fsync per matched message. `add` resolves with the row id once written.
 */
export class EventWriter {
  private queue: { row: EventRow; resolve: (id: number) => void; reject: (err: unknown) => void }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: EdgelensDb,
    private readonly log: Logger,
    intervalMs = 200,
    private readonly maxBatch = 500,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  add(row: EventRow): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
    });
  }

  flush(): void {
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
    clearInterval(this.timer);
    this.flush();
  }
}
