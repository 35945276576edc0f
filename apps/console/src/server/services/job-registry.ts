/**
 * Background jobs for long operations (TF.js conversion). In memory: a job lives as long as
 * the console process, and its id is what the UI polls (GET /api/v1/jobs/{id}).
 */
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

export class JobRegistry {
  private readonly jobs = new Map<string, JobView>();

  start(kind: JobKind, work: (report: ProgressReporter) => Promise<unknown>): JobView {
    const now = Date.now();
    const job: JobView = { id: newId("job"), kind, state: "running", progress: { phase: "queued", pct: 0 }, result: null, error: null, createdAt: now, updatedAt: now };
    this.jobs.set(job.id, job);
    this.prune();
    const report: ProgressReporter = (phase, pct) => {
      job.progress = { phase, pct: Math.max(0, Math.min(100, Math.round(pct))) };
      job.updatedAt = Date.now();
    };
    void work(report).then(
      (result) => {
        Object.assign(job, { state: "succeeded", result, progress: { phase: "done", pct: 100 }, updatedAt: Date.now() });
      },
      (err: unknown) => {
        const e = toEdgelensError(err);
        Object.assign(job, { state: "failed", error: { code: e.code, message: e.message, context: e.context }, updatedAt: Date.now() });
      },
    );
    return job;
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id);
  }

  list(): JobView[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  private prune(): void {
    const finished = this.list().filter((j) => j.state !== "running");
    for (const j of finished.slice(KEEP_FINISHED)) this.jobs.delete(j.id);
  }
}
