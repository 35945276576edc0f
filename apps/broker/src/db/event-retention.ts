import { rm } from "node:fs/promises";
import { and, desc, eq, inArray, lt, lte } from "drizzle-orm";
import { artifactPath, artifacts, events, type DataPaths, type EdgelensDb } from "@edgelens/db";
import { describeError, type Logger } from "../log";

export interface EventRetentionPolicy {
  /** Events older than this go; null keeps them whatever their age. */
  maxAgeMs: number | null;
  /** Only the newest this many events stay; null sets no cap. */
  maxRows: number | null;
}

export interface PruneResult {
  events: number;
  snapshots: number;
}

/** Rows per DELETE: short write transactions, so event inserts and the console never wait long. */
const BATCH = 5000;
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Keeps the `events` table (and the snapshot files only its rows point at) within an age and a
 * row count. A `store` rule on every result of one camera at 15 fps adds over a million rows a
 * day; without this the database and the artifacts folder grow until the disk is full.
 */
export class EventRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneResult> | null = null;

  constructor(
    private readonly db: EdgelensDb,
    private readonly paths: DataPaths,
    private readonly policy: EventRetentionPolicy,
    private readonly log: Logger,
    private readonly onPruned: (result: PruneResult) => void = () => undefined,
  ) {}

  /** A pass now, then one every `intervalMs`; passes never overlap. */
  start(intervalMs: number): void {
    if (this.policy.maxAgeMs === null && this.policy.maxRows === null) return;
    const run = () => {
      this.prune().catch((err: unknown) => this.log.error(`event retention failed: ${describeError(err)}`, { code: "INTERNAL" }));
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    setImmediate(run);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  prune(now = Date.now()): Promise<PruneResult> {
    this.running ??= this.pass(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(now: number): Promise<PruneResult> {
    const shas = new Set<string>();
    let removed = 0;
    if (this.policy.maxAgeMs !== null) removed += await this.deleteWhile(lt(events.ts, now - this.policy.maxAgeMs), shas);
    const newestKept = this.policy.maxRows === null ? undefined : this.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).offset(this.policy.maxRows).get();
    if (newestKept) removed += await this.deleteWhile(lte(events.id, newestKept.id), shas);
    let snapshots = 0;
    for (const sha of shas) if (await this.dropSnapshotIfUnused(sha)) snapshots++;
    const result = { events: removed, snapshots };
    if (removed > 0) {
      this.log.info("pruned old events", { events: removed, snapshots, maxAgeDays: this.policy.maxAgeMs === null ? null : this.policy.maxAgeMs / 86_400_000, maxRows: this.policy.maxRows });
      this.onPruned(result);
    }
    return result;
  }

  private async deleteWhile(condition: ReturnType<typeof lt>, shas: Set<string>): Promise<number> {
    let removed = 0;
    for (;;) {
      const oldest = this.db.select({ id: events.id }).from(events).where(condition).orderBy(events.id).limit(BATCH);
      const gone = this.db.delete(events).where(inArray(events.id, oldest)).returning({ sha: events.snapshotSha256 }).all();
      for (const { sha } of gone) if (sha) shas.add(sha);
      removed += gone.length;
      if (gone.length < BATCH) return removed;
      await yieldToEvents();
    }
  }

  /** The artifacts row and file of a snapshot no event points at any more (identical frames share one). */
  private async dropSnapshotIfUnused(sha: string): Promise<boolean> {
    const dropped = this.db.transaction((tx) => {
      const used = tx.select({ id: events.id }).from(events).where(eq(events.snapshotSha256, sha)).limit(1).get();
      if (used) return false;
      return tx.delete(artifacts).where(and(eq(artifacts.sha256, sha), eq(artifacts.kind, "snapshot"))).returning({ sha: artifacts.sha256 }).all().length > 0;
    });
    if (dropped) await rm(artifactPath(this.paths, sha), { force: true });
    return dropped;
  }
}
