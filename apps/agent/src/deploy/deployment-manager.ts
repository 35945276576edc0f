import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import { desiredProjectsOf, type DeploymentProgress, type DesiredProject, type DesiredState, type ReportedState } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { ArtifactDownloader } from "./artifact-downloader";
import type { DeployMemory, DeployStateStore, ErrorRecord, ProjectMemory } from "./deploy-state-store";
import { threadsPerModel } from "./cpu-budget";
import { artifactsOf, createPctThrottle, keptHashes, planDesired, progress, reportedState } from "./deployment-plan";
import { fetchArtifacts } from "./fetch-artifacts";
import type { ProjectHost, ProjectSpec } from "./project-host";
import { ProjectLanes, type LaneJob } from "./project-lanes";

export interface DeploymentReporter {
  /** `deployments/{id}` (QoS 1, through the spool). */
  progress(p: DeploymentProgress): void;
  /** `shadow/reported` (retained). */
  reported(r: ReportedState): void;
}

export interface DeploymentManagerDeps {
  downloader: ArtifactDownloader;
  host: ProjectHost;
  reporter: DeploymentReporter;
  store: DeployStateStore;
  log: Logger;
  agentVersion: string;
  /** Cache size above which artifacts of neither the current nor the previous deployment go. */
  cacheMaxBytes: number;
  /** onnxruntime threads the device's projects share (EDGELENS_AGENT_CPU_THREADS). */
  cpuThreads: number;
}

/**
 * Performs what `planDesired` says, each project in its own lane (project-lanes.ts): a failing
 * or slow project holds up no other. Every step is reported on `deployments/{id}`, the outcome
 * in `shadow/reported`, and the memory is saved so a restart runs the last good version of every
 * project from the cache without the network.
 */
export class DeploymentManager {
  private memory: DeployMemory;
  private readonly lanes: ProjectLanes;
  private resuming: Promise<void> = Promise.resolve();
  /** Projects of the latest desired state: the CPU budget is split between this many. */
  private planned = 0;
  private refreshedAt = 0;

  constructor(private readonly deps: DeploymentManagerDeps) {
    this.memory = deps.store.load();
    this.planned = Object.keys(this.memory.projects).length;
    this.lanes = new ProjectLanes((projectId, job, signal) => this.runJob(projectId, job, signal), () => void this.pruneCache());
  }

  state(): ReportedState {
    return reportedState(this.memory, this.deps.agentVersion, (id) => this.deps.host.status(id));
  }

  memorySnapshot(): DeployMemory {
    return this.memory;
  }

  /**
   * Sends `shadow/reported` again with fresh per-project fps and latency while something runs, at
   * most every REFRESH_MS: it is retained and consoles refresh views on it, so not every sample.
   */
  refreshReported(now = Date.now()): void {
    if (now - this.refreshedAt < REFRESH_MS || !Object.values(this.memory.projects).some((pm) => pm.current)) return;
    this.refreshedAt = now;
    this.deps.reporter.reported(this.state());
  }

  /**
   * At start: runs the last good version of every project from the cache. Never needs the
   * network. Desired states submitted meanwhile wait for it.
   */
  resume(): Promise<void> {
    this.resuming = this.resumeNow();
    return this.resuming;
  }

  private async resumeNow(): Promise<void> {
    for (const [projectId, pm] of Object.entries(this.memory.projects)) {
      const cur = pm.current;
      if (!cur) continue;
      const log = this.deps.log.child({ deploymentId: cur.deploymentId, projectId });
      try {
        for (const a of artifactsOf(cur)) {
          if (!(await this.deps.downloader.isCached(a))) throw new EdgelensError("NOT_FOUND", `artifact ${a.sha256} is no longer in the cache`);
        }
        log.info(`resuming deployment ${cur.deploymentId} (project ${projectId} v${cur.project.version}) from the cache`);
        await this.deps.host.replace(this.specOf(cur), { awaitFirstFrame: false });
      } catch (err) {
        const e = asError(err);
        log.error(`cannot resume deployment ${cur.deploymentId}: ${e.message}`, { code: e.code });
        // Forget it so the retained desired state, when it comes, deploys it again.
        const error = errorRecord(cur.deploymentId, e);
        this.saveProject(projectId, null, { lastError: error });
      }
    }
    this.deps.reporter.reported(this.state());
  }

  /** Hands over a validated desired state of either version (retained: it comes again on every reconnect). */
  submit(desired: DesiredState): void {
    const doc = desiredProjectsOf(desired);
    const plan = planDesired(doc, this.memory, this.lanes.busyIds());
    for (const why of plan.ignored) this.deps.log.debug(`desired state: ${why}`);
    this.planned = doc.projects.length;
    const start = this.resuming;
    const deployed = new Map<string, Promise<void>>();
    for (const entry of plan.deploy) {
      this.deps.log.info(`deployment ${entry.deploymentId}: project ${entry.project.id} v${entry.project.version} queued`, { deploymentId: entry.deploymentId, projectId: entry.project.id });
      deployed.set(entry.deploymentId, this.lanes.enqueue(entry.project.id, { kind: "deploy", entry }, start));
    }
    for (const projectId of plan.forget) this.saveProject(projectId, null);
    // Also when the retained state comes again after the switch failed: the others stay.
    const switched = desired.version !== 2 && doc.projects.length === 1 && plan.remove.length > 0 && !plan.removalId ? doc.projects[0] : undefined;
    if (switched) {
      const now = deployed.get(switched.deploymentId);
      void this.switchProjects(switched, now ?? this.lanes.whenIdle(), plan.remove, start, now !== undefined);
      return;
    }
    const removals = plan.remove.map((projectId) => this.lanes.enqueue(projectId, { kind: "remove" }, start));
    if (plan.removalId) void this.finishRemoval(plan.removalId, removals);
    else if (plan.forget.length > 0) this.deps.reporter.reported(this.state());
    this.rebalance(start, new Set([...plan.deploy.map((e) => e.project.id), ...plan.remove]));
  }

  /**
   * An old console's single-project desired state naming another project than the device runs
   * (docs/design.md "How versions meet"): as before lists, a switch. The new project loads beside
   * the old ones, which go only once it runs; when it fails they keep running (`rolled-back`).
   */
  private async switchProjects(entry: DesiredProject, deployed: Promise<void>, others: string[], start: Promise<void>, firstTime: boolean): Promise<void> {
    await deployed;
    const ran = this.memory.projects[entry.project.id]?.current?.deploymentId === entry.deploymentId;
    if (ran) {
      await Promise.all(others.map((projectId) => this.lanes.enqueue(projectId, { kind: "remove" }, start)));
      this.deps.reporter.reported(this.state());
      return;
    }
    const kept = others.map((projectId) => this.deps.host.current(projectId)).filter((spec) => spec !== null && spec !== undefined);
    if (kept.length === 0 || !firstTime) return;
    const names = kept.map((k) => `deployment ${k.deploymentId} (project ${k.projectId} v${k.version})`).join(", ");
    this.deps.reporter.progress(progress(entry.deploymentId, "rolled-back", { reason: `${names} keeps running` }));
    this.deps.reporter.reported(this.state());
  }

  /** Resolves when no deployment runs or waits. */
  whenIdle(): Promise<void> {
    return this.lanes.whenIdle();
  }

  /**
   * The running deployment fails on too many frames (see the supervisor's error window): it keeps
   * running (there may be nothing better to run), reported `degraded` with the last error.
   */
  degrade(deploymentId: string, err: EdgelensError): void {
    const found = Object.entries(this.memory.projects).find(([, pm]) => pm.current?.deploymentId === deploymentId);
    if (!found || found[1].lastHandled?.outcome === "degraded") return;
    const [projectId, pm] = found;
    const error = errorRecord(deploymentId, err);
    this.saveProject(projectId, { ...pm, lastHandled: { deploymentId, outcome: "degraded" }, lastError: error }, { lastError: error });
    this.deps.reporter.progress(progress(deploymentId, "degraded", { reason: err.message, code: err.code }));
    this.deps.reporter.reported(this.state());
  }

  private async runJob(projectId: string, job: LaneJob, signal: AbortSignal): Promise<void> {
    try {
      if (job.kind === "deploy") await this.deploy(job.entry, signal);
      else if (job.kind === "remove") await this.removeProject(projectId);
      else await this.rethread(projectId, job.threads);
    } catch (err) {
      this.deps.log.error(`project ${projectId}: ${job.kind} crashed the manager: ${describeError(err)}`, { code: "INTERNAL", projectId });
    }
  }

  private async removeProject(projectId: string): Promise<void> {
    await this.deps.host.remove(projectId);
    this.saveProject(projectId, null);
    this.deps.log.info(`project ${projectId} removed`, { projectId });
  }

  /** Once every removal of a desired state is done: `removed` under its deployment id. */
  private async finishRemoval(removalId: string, removals: Promise<void>[]): Promise<void> {
    await Promise.all(removals);
    this.save({ ...this.memory, lastHandled: { deploymentId: removalId, outcome: "removed" } });
    this.deps.log.info(`deployment ${removalId}: ${removals.length} project(s) removed`, { deploymentId: removalId });
    this.deps.reporter.progress(progress(removalId, "removed"));
    this.deps.reporter.reported(this.state());
  }

  private async deploy(entry: DesiredProject, signal: AbortSignal): Promise<void> {
    const id = entry.deploymentId;
    const projectId = entry.project.id;
    const log = this.deps.log.child({ deploymentId: id, projectId });
    const report = this.deps.reporter;
    const started = Date.now();
    report.progress(progress(id, "queued"));
    try {
      const artifacts = artifactsOf(entry);
      const throttle = createPctThrottle(5, 1000);
      const fetched = await fetchArtifacts(this.deps.downloader, artifacts, {
        signal,
        onProgress: (pct, done, total) => {
          if (!throttle(pct)) return;
          report.progress(progress(id, "downloading", { pct }));
          log.info(`downloading ${pct.toFixed(0)}% (${mb(done)} of ${mb(total)} MB)`);
        },
        onVerifying: () => report.progress(progress(id, "verifying")),
        onRetry: (a, attempt, reason) => log.warn(`download of ${a.sha256.slice(0, 12)} retried (attempt ${attempt}): ${reason}`, { code: "DOWNLOAD_FAILED" }),
      });
      log.info(`artifacts ready: ${mb(fetched.downloadedBytes)} MB downloaded, ${fetched.cachedCount} of ${artifacts.length} from the cache`);
      if (signal.aborted) throw signal.reason;
      await this.deps.host.replace(this.specOf(entry), {
        awaitFirstFrame: true,
        onLoading: () => report.progress(progress(id, "loading")),
      });
    } catch (err) {
      this.fail(entry, asError(err));
      return;
    }
    const pm = this.memory.projects[projectId];
    this.saveProject(projectId, { current: entry, previous: pm?.current ?? pm?.previous ?? null, lastHandled: { deploymentId: id, outcome: "running" }, lastError: null });
    log.info(`deployment ${id} running after ${Date.now() - started} ms`);
    report.progress(progress(id, "running"));
    report.reported(this.state());
  }

  private fail(entry: DesiredProject, err: EdgelensError): void {
    const id = entry.deploymentId;
    const projectId = entry.project.id;
    this.deps.log.error(`deployment ${id} failed: ${err.message}`, { code: err.code, deploymentId: id, projectId });
    const error = errorRecord(id, err);
    const pm = this.memory.projects[projectId];
    this.saveProject(projectId, { current: pm?.current ?? null, previous: pm?.previous ?? null, lastHandled: { deploymentId: id, outcome: "failed", version: entry.project.version }, lastError: error }, { lastError: error });
    this.deps.reporter.progress(progress(id, "failed", { reason: err.message, code: err.code }));
    const running = this.deps.host.current(projectId);
    if (running) {
      this.deps.reporter.progress(
        progress(id, "rolled-back", { reason: `deployment ${running.deploymentId} (project ${running.projectId} v${running.version}) keeps running` }),
      );
    }
    this.deps.reporter.reported(this.state());
  }

  /**
   * When the desired state lists more projects than before, running projects holding more than
   * their new share of the CPU budget reload with it (the same careful switch as a deployment;
   * on failure the old load keeps running). A shrinking list leaves them as they are.
   */
  private rebalance(start: Promise<void>, changing: Set<string>): void {
    for (const [projectId, pm] of Object.entries(this.memory.projects)) {
      const cur = pm.current;
      const spec = this.deps.host.current(projectId);
      if (!cur || !spec || changing.has(projectId) || cur.config.threads !== undefined) continue;
      const share = this.threadsFor(cur);
      if ((spec.threads ?? Infinity) > share) void this.lanes.enqueue(projectId, { kind: "rethread", threads: share }, start);
    }
  }

  private async rethread(projectId: string, threads: number): Promise<void> {
    const spec = this.deps.host.current(projectId);
    if (!spec) return;
    try {
      await this.deps.host.replace({ ...spec, threads }, { awaitFirstFrame: true });
      this.deps.log.info(`project ${projectId} reloaded with ${threads} thread(s) per model (its share of the CPU budget)`, { projectId });
      this.deps.reporter.reported(this.state());
    } catch (err) {
      this.deps.log.warn(`project ${projectId} keeps its ${spec.threads ?? "default"} thread(s): reloading with ${threads} failed: ${describeError(err)}`, { projectId });
    }
  }

  private threadsFor(entry: DesiredProject): number {
    return entry.config.threads ?? threadsPerModel(this.deps.cpuThreads, this.planned, Object.keys(entry.models).length);
  }

  private specOf(entry: DesiredProject): ProjectSpec {
    const cache = this.deps.downloader.cache;
    return {
      deploymentId: entry.deploymentId,
      projectId: entry.project.id,
      version: entry.project.version,
      functionPath: cache.pathOf(entry.function.sha256),
      modelPaths: Object.fromEntries(Object.entries(entry.models).map(([name, a]) => [name, cache.pathOf(a.sha256)])),
      config: entry.config,
      threads: this.threadsFor(entry),
    };
  }

  /** One project's memory (null: forgotten), and device-wide fields. */
  private saveProject(projectId: string, pm: ProjectMemory | null, device: { lastError?: ErrorRecord } = {}): void {
    const projects = { ...this.memory.projects };
    if (pm) projects[projectId] = pm;
    else delete projects[projectId];
    this.save({ ...this.memory, projects, ...device });
  }

  private save(memory: DeployMemory): void {
    this.memory = memory;
    this.deps.store.save(memory);
  }

  /** Only while no lane works: a download under way is in no memory yet. */
  private async pruneCache(): Promise<void> {
    try {
      const freed = await this.deps.downloader.cache.prune(keptHashes(this.memory, this.lanes.inFlight()), this.deps.cacheMaxBytes);
      if (freed > 0) this.deps.log.info(`artifact cache: ${mb(freed)} MB of unused artifacts removed`);
    } catch (err) {
      this.deps.log.warn(`artifact cache prune failed: ${describeError(err)}`, { code: "INTERNAL" });
    }
  }
}

const REFRESH_MS = 30_000;

function asError(err: unknown): EdgelensError {
  if (isEdgelensError(err)) return err;
  return new EdgelensError("INTERNAL", describeError(err), {}, { cause: err });
}

function errorRecord(deploymentId: string, err: EdgelensError): ErrorRecord {
  return { deploymentId, code: err.code, message: err.message.slice(0, 4096), ts: Date.now() };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
