import { EdgelensError } from "@edgelens/shared/errors";
import { desiredProjectsOf, type Camera, type DeploymentProgress, type DesiredProject, type DesiredState, type ReportedState } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { ArtifactDownloader } from "./artifact-downloader";
import type { DeployMemory, DeployStateStore, ErrorRecord, ProjectMemory } from "./deploy-state-store";
import { threadsPerModel } from "./cpu-budget";
import { artifactsOf, asError, createPctThrottle, errorRecord, keptHashes, planDesired, progress, reportedState, soakStatusOf } from "./deployment-plan";
import { fetchArtifacts } from "./fetch-artifacts";
import { GALLERY_UPDATE_FAILED, updateGallery } from "./gallery-update";
import type { ProjectHost, ProjectSpec } from "./project-host";
import { ProjectLanes, type LaneJob } from "./project-lanes";
import { SoakKeeper } from "./soak-keeper";

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
  /** The device's named cameras: set from the desired state (and the memory at resume), reported in `shadow/reported.cameras`. */
  cameras?: { set(cameras: Camera[]): void; status(): ReportedState["cameras"] };
  /** How often a soak looks at its project (default 250 ms). */
  soakSampleMs?: number;
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
  private readonly soaks: SoakKeeper;

  constructor(private readonly deps: DeploymentManagerDeps) {
    this.memory = deps.store.load();
    this.planned = Object.keys(this.memory.projects).length;
    this.lanes = new ProjectLanes((projectId, job, signal) => this.runJob(projectId, job, signal), () => void this.pruneCache());
    this.soaks = new SoakKeeper({
      host: deps.host,
      reporter: deps.reporter,
      log: deps.log,
      project: (projectId) => this.memory.projects[projectId],
      projects: () => this.memory.projects,
      saveProject: (projectId, pm, device) => this.saveProject(projectId, pm, device),
      specOf: (entry) => this.specOf(entry),
      rollbackLater: (projectId, deploymentId) => void this.lanes.enqueue(projectId, { kind: "rollback", deploymentId }, this.resuming),
      reportState: () => this.deps.reporter.reported(this.state()),
      ...(deps.soakSampleMs ? { sampleMs: deps.soakSampleMs } : {}),
    });
  }

  /** Ends the soaks under way (the agent stops; a restart soaks them again). */
  stop(): void {
    this.soaks.stop();
  }

  state(): ReportedState {
    const cameras = this.deps.cameras?.status();
    return { ...reportedState(this.memory, this.deps.agentVersion, (id) => this.deps.host.status(id)), ...(cameras ? { cameras } : {}) };
  }

  memorySnapshot(): DeployMemory {
    return this.memory;
  }

  /**
   * Sends `shadow/reported` again with fresh per-project fps and latency (and cameras' figures) while something runs, at
   * most every REFRESH_MS: it is retained and consoles refresh views on it, so not every sample.
   */
  refreshReported(now = Date.now()): void {
    const live = Object.values(this.memory.projects).some((pm) => pm.current) || (this.memory.cameras?.length ?? 0) > 0;
    if (now - this.refreshedAt < REFRESH_MS || !live) return;
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
    // Before the projects: one reading camera://<name> finds its camera.
    this.deps.cameras?.set(this.memory.cameras ?? []);
    for (const [projectId, pm] of Object.entries(this.memory.projects)) {
      // Stopped after its soak failed but before the rollback: the version before runs instead.
      const soakFailed = pm.soak?.state === "failed" && pm.soak.deploymentId === pm.current?.deploymentId;
      const cur = soakFailed ? pm.previous : pm.current;
      if (!cur) {
        if (soakFailed) this.soaks.rolledBackAtStart(projectId, pm);
        continue;
      }
      const log = this.deps.log.child({ deploymentId: cur.deploymentId, projectId });
      try {
        for (const a of artifactsOf(cur)) {
          if (!(await this.deps.downloader.isCached(a))) throw new EdgelensError("NOT_FOUND", `artifact ${a.sha256} is no longer in the cache`);
        }
        log.info(`resuming deployment ${cur.deploymentId} (project ${projectId} v${cur.project.version}) from the cache`);
        await this.deps.host.replace(this.specOf(cur), { awaitFirstFrame: false });
        if (soakFailed) this.soaks.rolledBackAtStart(projectId, pm);
        else if (pm.soak?.state === "soaking" && pm.soak.deploymentId === cur.deploymentId) this.soaks.start(cur, pm.soak.previousFps ?? null);
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
    // A version-1 state (a console from before cameras) says nothing of cameras: they stay.
    if (desired.version === 2) this.setCameras(desired.cameras ?? []);
    const plan = planDesired(doc, this.memory, this.lanes.busyIds());
    for (const why of plan.ignored) this.deps.log.debug(`desired state: ${why}`);
    this.planned = doc.projects.length;
    const start = this.resuming;
    const deployed = new Map<string, Promise<void>>();
    for (const entry of plan.deploy) {
      this.deps.log.info(`deployment ${entry.deploymentId}: project ${entry.project.id} v${entry.project.version} queued`, { deploymentId: entry.deploymentId, projectId: entry.project.id });
      deployed.set(entry.deploymentId, this.lanes.enqueue(entry.project.id, { kind: "deploy", entry }, start));
    }
    for (const entry of plan.galleries) void this.lanes.enqueue(entry.project.id, { kind: "gallery", entry }, start);
    for (const projectId of plan.forget) this.saveProject(projectId, null);
    // Also when the retained state comes again after the switch failed: the others stay.
    const switched = desired.version !== 2 && doc.projects.length === 1 && plan.remove.length > 0 && !plan.removalId ? doc.projects[0] : undefined;
    if (switched) {
      const now = deployed.get(switched.deploymentId);
      void this.switchProjects(switched, now ?? this.lanes.whenIdle(), plan.remove, start, now !== undefined);
      return;
    }
    // Projects with `health` replacing others: those go only once every one of them passed its soak.
    const guarded = plan.remove.length > 0 ? doc.projects.filter((e) => e.health) : [];
    if (guarded.length > 0) {
      void this.removeAfterSoak(guarded, this.lanes.whenIdle(), plan.remove, plan.removalId, start);
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

  /** Cameras first, so that a project of the same desired state reading one finds it. */
  private setCameras(cameras: Camera[]): void {
    if (JSON.stringify(cameras) !== JSON.stringify(this.memory.cameras ?? [])) this.save({ ...this.memory, cameras });
    this.deps.cameras?.set(cameras);
  }

  /**
   * A desired state that adds projects with `health` and drops others (docs/design.md "Soak"):
   * the dropped ones keep running until every added one passed its soak, so a failed soak leaves
   * the device running what it ran before. Also when the retained state comes again.
   */
  private async removeAfterSoak(guarded: DesiredProject[], deployed: Promise<void>, others: string[], removalId: string | null, start: Promise<void>): Promise<void> {
    await deployed;
    const passed = await Promise.all(guarded.map((e) => this.soaks.outcome(e.deploymentId)));
    if (passed.every(Boolean)) {
      const removals = others.map((projectId) => this.lanes.enqueue(projectId, { kind: "remove" }, start));
      if (removalId) await this.finishRemoval(removalId, removals);
      else {
        await Promise.all(removals);
        this.deps.reporter.reported(this.state());
      }
      return;
    }
    const failed = guarded.filter((_, i) => !passed[i]).map((e) => e.deploymentId);
    this.deps.log.warn(`project(s) ${others.join(", ")} keep running: deployment(s) ${failed.join(", ")} did not pass their soak`);
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
    if (this.soaks.fail(deploymentId, err)) return;
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
      else if (job.kind === "rollback") await this.soaks.rollBack(projectId, job.deploymentId);
      else if (job.kind === "gallery") await this.changeGallery(projectId, job.entry, signal);
      else await this.rethread(projectId, job.threads);
    } catch (err) {
      this.deps.log.error(`project ${projectId}: ${job.kind} crashed the manager: ${describeError(err)}`, { code: "INTERNAL", projectId });
    }
  }

  /** A new gallery for a running deployment; a failure is the project's `lastError`, not a failed deployment. */
  private async changeGallery(projectId: string, entry: DesiredProject, signal: AbortSignal): Promise<void> {
    const log = this.deps.log.child({ deploymentId: entry.deploymentId, projectId });
    const outcome = await updateGallery({ ...this.deps, log }, this.memory.projects[projectId]?.current ?? null, entry, signal);
    const pm = this.memory.projects[projectId];
    if (outcome.kind === "skipped" || !pm) return log.debug(`gallery update skipped: ${outcome.kind === "skipped" ? outcome.why : "the project is gone"}`);
    if (outcome.kind === "updated") {
      // The memory names it, so a restart runs the new gallery from the cache.
      const cleared = pm.lastError?.message.startsWith(GALLERY_UPDATE_FAILED) ? { lastError: null } : {};
      this.saveProject(projectId, { ...pm, current: outcome.current, ...cleared });
      // shadow/reported names the gallery in use: the console shows which devices have the newest one.
      this.deps.reporter.reported(this.state());
      return;
    }
    const error = errorRecord(entry.deploymentId, outcome.error);
    log.error(outcome.error.message, { code: outcome.error.code });
    this.saveProject(projectId, { ...pm, lastError: error }, { lastError: error });
    this.deps.reporter.reported(this.state());
  }

  private async removeProject(projectId: string): Promise<void> {
    this.soaks.cancel(projectId);
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
    let previousFps: number | null = null;
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
      // The soak's baseline: what the version it replaces achieves on this device now.
      previousFps = this.deps.host.status(projectId)?.fps ?? null;
      await this.deps.host.replace(this.specOf(entry), {
        awaitFirstFrame: true,
        onLoading: () => report.progress(progress(id, "loading")),
      });
    } catch (err) {
      this.fail(entry, asError(err));
      return;
    }
    const pm = this.memory.projects[projectId];
    // A superseded soak stays `soaking` no more; a finished one is still this project's last.
    const soak = pm?.soak?.state === "soaking" ? undefined : pm?.soak;
    this.saveProject(projectId, { current: entry, previous: pm?.current ?? pm?.previous ?? null, lastHandled: { deploymentId: id, outcome: "running" }, lastError: null, ...(soak ? { soak } : {}) });
    log.info(`deployment ${id} running after ${Date.now() - started} ms`);
    const soaking = this.soaks.start(entry, previousFps);
    report.progress(progress(id, "running", soaking ? { soak: soakStatusOf(soaking) } : {}));
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
      ...(entry.gallery ? { galleryPath: cache.pathOf(entry.gallery.sha256) } : {}),
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

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
