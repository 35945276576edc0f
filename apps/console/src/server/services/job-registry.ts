/**
 * Background jobs for long operations (TF.js conversion, int8 optimize). The work runs in the
 * console process that started it; its state lives in the `jobs` table, so that whichever console
 * process a page's poll (GET /api/v1/jobs/{id}) reaches answers it.
 */
import { desc, eq, inArray, ne } from "drizzle-orm";
import { jobs, type EdgelensDb } from "@edgelens/db";
import type { ErrorCode } from "@edgelens/shared";
import { toEdgelensError } from "../http/errors";
import { newId } from "../ids";

export type JobKind = "tfjs-import" | "model-optimize";
export type JobState = "running" | "succeeded" | "failed";

export interface JobView {
  id: string;
  kind: JobKind;
  state: JobState;
  progress: { phase: string; pct: number };
  result: unknown | null;
  error: { code: ErrorCode; message: string; context: Record<string, unknown> } | null;
  createdAt: number;
  updatedAt: number;
}

export type ProgressReporter = (phase: string, pct: number) => void;

const KEEP_FINISHED = 200;
/** A running job's row is touched this often, progress or not... */
const KEEPALIVE_MS = 10_000;
/** ...so one untouched for this long was left by a console process that stopped. */
const ORPHANED_MS = 60_000;

type JobRow = typeof jobs.$inferSelect;

function toView(row: JobRow, now: number): JobView {
  const view: JobView = {
    id: row.id,
    kind: row.kind,
    state: row.state,
    progress: { phase: row.phase, pct: row.pct },
    result: row.result ?? null,
    error: (row.error as JobView["error"]) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.state === "running" && now - row.updatedAt > ORPHANED_MS) {
    view.state = "failed";
    view.error = { code: "INTERNAL", message: `the console process running this job stopped (no progress since ${new Date(row.updatedAt).toISOString()}); start it again`, context: { jobId: row.id } };
  }
  return view;
}

export class JobRegistry {
  constructor(private readonly db: EdgelensDb) {}

  start(kind: JobKind, work: (report: ProgressReporter) => Promise<unknown>): JobView {
    const now = Date.now();
    const row: JobRow = { id: newId("job"), kind, state: "running", phase: "queued", pct: 0, result: null, error: null, createdAt: now, updatedAt: now };
    this.db.insert(jobs).values(row).run();
    this.prune();
    const byId = eq(jobs.id, row.id);
    let last = { phase: row.phase, pct: row.pct };
    const report: ProgressReporter = (phase, pct) => {
      const next = { phase, pct: Math.max(0, Math.min(100, Math.round(pct))) };
      // A converter reports per op: write only what a poll would see change.
      if (next.phase === last.phase && next.pct === last.pct) return;
      last = next;
      this.db.update(jobs).set({ ...next, updatedAt: Date.now() }).where(byId).run();
    };
    const keepalive = setInterval(() => this.db.update(jobs).set({ updatedAt: Date.now() }).where(byId).run(), KEEPALIVE_MS);
    keepalive.unref();
    const fail = (err: unknown) => {
      const e = toEdgelensError(err);
      this.db.update(jobs).set({ state: "failed", error: { code: e.code, message: e.message, context: e.context }, updatedAt: Date.now() }).where(byId).run();
    };
    void work(report)
      .then((result) => this.db.update(jobs).set({ state: "succeeded", result, phase: "done", pct: 100, updatedAt: Date.now() }).where(byId).run(), fail)
      // The row could not take the outcome (a database error): say so on it if the database lets us;
      // if not, the job reads as failed once its row stops moving (ORPHANED_MS).
      .catch(fail)
      .catch((err: unknown) => console.error(`job ${row.id}: could not record its outcome: ${toEdgelensError(err).message}`))
      .finally(() => clearInterval(keepalive));
    return toView(row, now);
  }

  get(id: string): JobView | undefined {
    const row = this.db.select().from(jobs).where(eq(jobs.id, id)).get();
    return row ? toView(row, Date.now()) : undefined;
  }

  /** Newest first: every running job and the last finished ones. */
  list(): JobView[] {
    const now = Date.now();
    return this.db
      .select()
      .from(jobs)
      .orderBy(desc(jobs.createdAt))
      .all()
      .map((row) => toView(row, now));
  }

  private prune(): void {
    // Pruned on every start, so this reads KEEP_FINISHED + 1 rows at most.
    const old = this.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(ne(jobs.state, "running"))
      .orderBy(desc(jobs.createdAt))
      .all()
      .slice(KEEP_FINISHED)
      .map((r) => r.id);
    if (old.length > 0) this.db.delete(jobs).where(inArray(jobs.id, old)).run();
  }
}
