import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import type { DeploymentProgress, DesiredState, ReportedState } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { ArtifactDownloader } from "./artifact-downloader";
import type { DeployMemory, DeployStateStore } from "./deploy-state-store";
import { artifactsOf, createPctThrottle, decide, keptHashes, progress, reportedState } from "./deployment-plan";
import { fetchArtifacts } from "./fetch-artifacts";
import type { ProjectHost, ProjectSpec } from "./project-host";

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
}

/**
 * Performs what `decide` says, one deployment at a time (a newer desired state aborts the
 * download of an older one and runs next). Every step is reported on `deployments/{id}`, the
 * outcome in `shadow/reported`, and the memory is saved so a restart runs the last good project
 * from the cache without the network.
 */
export class DeploymentManager {
  private memory: DeployMemory;
  private busy: { id: string; abort: AbortController } | null = null;
  private pending: DesiredState | null = null;
  private idle: Promise<void> = Promise.resolve();
  private releaseIdle: (() => void) | null = null;
  private resuming: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeploymentManagerDeps) {
    this.memory = deps.store.load();
  }

  state(): ReportedState {
    return reportedState(this.memory, this.deps.agentVersion);
  }

  memorySnapshot(): DeployMemory {
    return this.memory;
  }

  /**
   * At start: runs the last good project from the cache. Never needs the network. Desired
   * states submitted meanwhile wait for it.
   */
  resume(): Promise<void> {
    this.resuming = this.resumeNow();
    return this.resuming;
  }

  private async resumeNow(): Promise<void> {
    const cur = this.memory.current;
    if (!cur?.project) {
      this.deps.reporter.reported(this.state());
      return;
    }
    const log = this.deps.log.child({ deploymentId: cur.deploymentId, projectId: cur.project.id });
    try {
      for (const a of artifactsOf(cur)) {
        if (!(await this.deps.downloader.isCached(a))) throw new EdgelensError("NOT_FOUND", `artifact ${a.sha256} is no longer in the cache`);
      }
      log.info(`resuming deployment ${cur.deploymentId} (project ${cur.project.id} v${cur.project.version}) from the cache`);
      await this.deps.host.replace(this.specOf(cur), { awaitFirstFrame: false });
    } catch (err) {
      const e = asError(err);
      log.error(`cannot resume deployment ${cur.deploymentId}: ${e.message}`, { code: e.code });
      // Forget it so the retained desired state, when it comes, deploys it again.
      this.save({ ...this.memory, current: null, lastHandled: null, lastError: errorRecord(cur.deploymentId, e) });
    }
    this.deps.reporter.reported(this.state());
  }

  /** Hands over a validated desired state (retained: it comes again on every reconnect). */
  submit(desired: DesiredState): void {
    const decision = decide(desired, this.memory, this.busy?.id ?? null);
    if (decision.kind === "ignore") {
      this.deps.log.debug(`desired state ignored: ${decision.why}`);
      return;
    }
    this.pending = desired;
    if (this.busy) {
      this.deps.log.info(`deployment ${desired.deploymentId} supersedes ${this.busy.id}`);
      this.busy.abort.abort(new EdgelensError("CONFLICT", `superseded by deployment ${desired.deploymentId}`));
      return;
    }
    void this.drain();
  }

  /** Resolves when no deployment runs or waits. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    this.idle = new Promise((r) => (this.releaseIdle = r));
    try {
      await this.resuming;
      while (this.pending) {
        const next = this.pending;
        this.pending = null;
        if (decide(next, this.memory, null).kind === "ignore") continue;
        const abort = new AbortController();
        this.busy = { id: next.deploymentId, abort };
        try {
          if (next.project === null) await this.remove(next);
          else await this.deploy(next, abort.signal);
        } catch (err) {
          this.deps.log.error(`deployment ${next.deploymentId} crashed the manager: ${describeError(err)}`, { code: "INTERNAL" });
        } finally {
          this.busy = null;
        }
      }
    } finally {
      this.releaseIdle?.();
    }
  }

  private async remove(desired: DesiredState): Promise<void> {
    const id = desired.deploymentId;
    await this.deps.host.remove();
    this.save({ ...this.memory, current: null, previous: this.memory.current ?? this.memory.previous, lastHandled: { deploymentId: id, outcome: "removed" } });
    this.deps.log.info(`deployment ${id}: project removed`, { deploymentId: id });
    this.deps.reporter.progress(progress(id, "removed"));
    this.deps.reporter.reported(this.state());
  }

  private async deploy(desired: DesiredState, signal: AbortSignal): Promise<void> {
    const id = desired.deploymentId;
    const log = this.deps.log.child({ deploymentId: id, projectId: desired.project?.id });
    const report = this.deps.reporter;
    const started = Date.now();
    report.progress(progress(id, "queued"));
    try {
      if (!desired.function) throw new EdgelensError("INVALID_PAYLOAD", "the desired state has a project but no function artifact", { deploymentId: id });
      const artifacts = artifactsOf(desired);
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
      await this.deps.host.replace(this.specOf(desired), {
        awaitFirstFrame: true,
        onLoading: () => report.progress(progress(id, "loading")),
      });
    } catch (err) {
      this.fail(desired, asError(err));
      return;
    }
    this.save({
      ...this.memory,
      current: desired,
      previous: this.memory.current ?? this.memory.previous,
      lastHandled: { deploymentId: id, outcome: "running" },
      lastError: null,
    });
    log.info(`deployment ${id} running after ${Date.now() - started} ms`);
    report.progress(progress(id, "running"));
    report.reported(this.state());
    await this.pruneCache(log);
  }

  /**
   * The running deployment fails on too many frames (see the supervisor's error window): it keeps
   * running (there may be nothing better to run), reported `degraded` with the last error.
   */
  degrade(deploymentId: string, err: EdgelensError): void {
    if (this.memory.current?.deploymentId !== deploymentId || this.memory.lastHandled?.outcome === "degraded") return;
    this.save({ ...this.memory, lastHandled: { deploymentId, outcome: "degraded" }, lastError: errorRecord(deploymentId, err) });
    this.deps.reporter.progress(progress(deploymentId, "degraded", { reason: err.message, code: err.code }));
    this.deps.reporter.reported(this.state());
  }

  private fail(desired: DesiredState, err: EdgelensError): void {
    const id = desired.deploymentId;
    this.deps.log.error(`deployment ${id} failed: ${err.message}`, { code: err.code, deploymentId: id, projectId: desired.project?.id });
    this.save({ ...this.memory, lastHandled: { deploymentId: id, outcome: "failed" }, lastError: errorRecord(id, err) });
    this.deps.reporter.progress(progress(id, "failed", { reason: err.message, code: err.code }));
    const running = this.deps.host.current();
    if (running) {
      this.deps.reporter.progress(
        progress(id, "rolled-back", { reason: `deployment ${running.deploymentId} (project ${running.projectId} v${running.version}) keeps running` }),
      );
    }
    this.deps.reporter.reported(this.state());
  }

  private specOf(desired: DesiredState): ProjectSpec {
    if (!desired.project || !desired.function) throw new EdgelensError("INVALID_PAYLOAD", "no project to run", { deploymentId: desired.deploymentId });
    const cache = this.deps.downloader.cache;
    return {
      deploymentId: desired.deploymentId,
      projectId: desired.project.id,
      version: desired.project.version,
      functionPath: cache.pathOf(desired.function.sha256),
      modelPaths: Object.fromEntries(Object.entries(desired.models).map(([name, a]) => [name, cache.pathOf(a.sha256)])),
      config: desired.config,
    };
  }

  private save(memory: DeployMemory): void {
    this.memory = memory;
    this.deps.store.save(memory);
  }

  private async pruneCache(log: Logger): Promise<void> {
    try {
      const freed = await this.deps.downloader.cache.prune(keptHashes(this.memory), this.deps.cacheMaxBytes);
      if (freed > 0) log.info(`artifact cache: ${mb(freed)} MB of unused artifacts removed`);
    } catch (err) {
      log.warn(`artifact cache prune failed: ${describeError(err)}`, { code: "INTERNAL" });
    }
  }
}

function asError(err: unknown): EdgelensError {
  if (isEdgelensError(err)) return err;
  return new EdgelensError("INTERNAL", describeError(err), {}, { cause: err });
}

function errorRecord(deploymentId: string, err: EdgelensError): NonNullable<DeployMemory["lastError"]> {
  return { deploymentId, code: err.code, message: err.message.slice(0, 4096), ts: Date.now() };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
