import { EdgelensError } from "@edgelens/shared/errors";
import type { DesiredProject } from "@edgelens/shared/schemas";

/** What a project's lane does next. */
export type LaneJob =
  | { kind: "deploy"; entry: DesiredProject }
  | { kind: "remove" }
  /** Reload the running version with fewer threads (the CPU budget shrank). */
  | { kind: "rethread"; threads: number }
  /** Its soak failed: run the version before it again (unless a newer job came first). */
  | { kind: "rollback"; deploymentId: string }
  /** A new face gallery for the running deployment `entry.deploymentId` (no reload). */
  | { kind: "gallery"; entry: DesiredProject };

type Pending = { job: LaneJob; done: () => void };

interface Lane {
  busy: { id: string; abort: AbortController } | null;
  pending: Pending | null;
  /** A gallery update waits apart: it must neither drop nor abort the deployment it updates. */
  gallery: Pending | null;
}

/**
 * One queue per project: the jobs of a project run one at a time, in order, and a newer job
 * replaces one still waiting (a newer deployment also aborts the download of the running one);
 * the lanes of different projects run side by side, so a slow or failing project holds up no
 * other. Each job's promise resolves when it ran or was superseded.
 */
export class ProjectLanes {
  private readonly lanes = new Map<string, Lane>();
  private idle: Promise<void> = Promise.resolve();
  private releaseIdle: (() => void) | null = null;

  constructor(private readonly run: (projectId: string, job: LaneJob, signal: AbortSignal) => Promise<void>, private readonly onAllIdle: () => void) {}

  /** project id -> the deployment (or job) id its lane is carrying out, or waits to (while the agent resumes). */
  busyIds(): Map<string, string> {
    const ids = new Map<string, string>();
    for (const [projectId, lane] of this.lanes) {
      const waiting = lane.pending?.job;
      const id = lane.busy?.id ?? (waiting?.kind === "deploy" ? waiting.entry.deploymentId : waiting?.kind);
      if (id) ids.set(projectId, id);
    }
    return ids;
  }

  /** Deployments and gallery updates under way (their artifacts must stay in the cache). */
  inFlight(): DesiredProject[] {
    return [...this.lanes.values()].flatMap((l) => [l.pending?.job, l.gallery?.job].flatMap((j) => (j?.kind === "deploy" || j?.kind === "gallery" ? [j.entry] : [])));
  }

  enqueue(projectId: string, job: LaneJob, start: Promise<void>): Promise<void> {
    let lane = this.lanes.get(projectId);
    // A job already waiting is newer than the soak that failed: it replaces the failing version itself.
    if (job.kind === "rollback" && lane?.pending) return Promise.resolve();
    const fresh = !lane;
    if (!lane) {
      lane = { busy: null, pending: null, gallery: null };
      this.lanes.set(projectId, lane);
      if (this.lanes.size === 1) this.idle = new Promise((r) => (this.releaseIdle = r));
    }
    if (job.kind === "gallery") {
      // Runs after the lane's other jobs; a newer gallery replaces one still waiting.
      lane.gallery?.done();
      const waits = new Promise<void>((resolve) => (lane.gallery = { job, done: resolve }));
      if (fresh) void this.drain(projectId, lane, start);
      return waits;
    }
    lane.pending?.done();
    const done = new Promise<void>((resolve) => (lane.pending = { job, done: resolve }));
    const id = job.kind === "deploy" ? job.entry.deploymentId : job.kind;
    if (lane.busy && (job.kind === "deploy" || job.kind === "remove")) lane.busy.abort.abort(new EdgelensError("CONFLICT", `superseded by ${job.kind === "deploy" ? `deployment ${id}` : "its removal"}`, { projectId }));
    if (fresh) void this.drain(projectId, lane, start);
    return done;
  }

  /** Resolves when no lane runs or waits. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private async drain(projectId: string, lane: Lane, start: Promise<void>): Promise<void> {
    await start;
    for (;;) {
      const next = lane.pending ?? lane.gallery;
      if (!next) break;
      const { job, done } = next;
      if (next === lane.pending) lane.pending = null;
      else lane.gallery = null;
      const abort = new AbortController();
      lane.busy = { id: job.kind === "deploy" ? job.entry.deploymentId : job.kind, abort };
      try {
        await this.run(projectId, job, abort.signal);
      } finally {
        lane.busy = null;
        done();
      }
    }
    this.lanes.delete(projectId);
    if (this.lanes.size === 0) {
      this.onAllIdle();
      this.releaseIdle?.();
    }
  }
}
