import { events, type EdgelensDb } from "@edgelens/db";
import type { Logger } from "../log";
import { describeError } from "../log";

export type EventRow = typeof events.$inferInsert;

/**
 * `store` writes events with group commit: every row added while the event loop was busy goes
 * into one transaction, committed on the next turn (or at once past `maxBatch` rows), instead of
 * one commit per matched message. `add` resolves with the row id once committed (WAL: a killed
 * broker keeps it), so the PUBACKs waiting on one batch are released together (src/delivery/durable-ack.ts).
 */
export class EventWriter {
  private queue: { row: EventRow; resolve: (id: number) => void; reject: (err: unknown) => void }[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly db: EdgelensDb,
    private readonly log: Logger,
    private readonly maxBatch = 500,
  ) {}

  add(row: EventRow): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
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
    this.flush();
  }
}
