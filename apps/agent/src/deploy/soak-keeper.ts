import type { EdgelensError } from "@edgelens/shared/errors";
import type { DeploymentProgress, DesiredProject } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import type { ErrorRecord, ProjectMemory } from "./deploy-state-store";
import { asError, errorRecord, progress, soakStatusOf } from "./deployment-plan";
import type { ProjectHost, ProjectSpec } from "./project-host";
import { SoakWatches, soakParamsOf, type SoakVerdict } from "./soak-watch";

export interface SoakKeeperDeps {
  host: ProjectHost;
  reporter: { progress(p: DeploymentProgress): void };
  log: Logger;
  /** The manager's memory of a project (and of all), and its way to change it (saved at once). */
  project(projectId: string): ProjectMemory | undefined;
  projects(): Record<string, ProjectMemory>;
  saveProject(projectId: string, pm: ProjectMemory, device?: { lastError?: ErrorRecord }): void;
  specOf(entry: DesiredProject): ProjectSpec;
  /** Queues `rollBack` in the project's lane (after what it carries out now). */
  rollbackLater(projectId: string, deploymentId: string): void;
  /** Sends `shadow/reported` as it is now. */
  reportState(): void;
  sampleMs?: number;
}

/**
 * The soak after a switch and the rollback after a failed one (docs/design.md "Soak"), for the
 * deployment manager: it starts soaks, this judges them (soak-watch.ts), reports the verdict and
 * runs the version before again when one fails. Decided on the device, without the network.
 */
export class SoakKeeper {
  private readonly watches: SoakWatches;
  /** Callers of `outcome` waiting on a soak under way, by deployment id. */
  private readonly waiting = new Map<string, ((passed: boolean) => void)[]>();

  constructor(private readonly deps: SoakKeeperDeps) {
    this.watches = new SoakWatches(
      (projectId) => deps.host.status(projectId),
      (deploymentId) => this.settle(deploymentId, false),
      deps.sampleMs,
    );
  }

  /** The soak of this deployment fails now (it degraded); false when it does not soak. */
  fail(deploymentId: string, error: EdgelensError): boolean {
    return this.watches.fail(deploymentId, error);
  }

  /** A removal: its soak ends without a verdict. */
  cancel(projectId: string): void {
    this.watches.cancel(projectId);
  }

  stop(): void {
    this.watches.stop();
    for (const id of [...this.waiting.keys()]) this.settle(id, false);
  }

  /**
   * Whether this deployment passed its soak: at once when it is decided (or does not run: its
   * deployment failed or a newer one replaced it), else when its soak ends.
   */
  outcome(deploymentId: string): Promise<boolean> {
    const pm = Object.values(this.deps.projects()).find((p) => p.current?.deploymentId === deploymentId);
    const soak = pm?.soak?.deploymentId === deploymentId ? pm.soak : undefined;
    if (!pm || soak?.state !== "soaking" || !this.watches.has(deploymentId)) return Promise.resolve(soak?.state === "passed");
    return new Promise((resolve) => this.waiting.set(deploymentId, [...(this.waiting.get(deploymentId) ?? []), resolve]));
  }

  private settle(deploymentId: string, passed: boolean): void {
    const waiters = this.waiting.get(deploymentId) ?? [];
    this.waiting.delete(deploymentId);
    for (const w of waiters) w(passed);
  }

  /**
   * A deployment with `health` soaks once it runs (docs/design.md "Soak"): remembered (a restart
   * soaks it again against the same baseline), judged locally, so it needs no network.
   */
  start(entry: DesiredProject, previousFps: number | null): ProjectMemory["soak"] {
    const params = soakParamsOf(entry, previousFps);
    const pm = this.deps.project(entry.project.id);
    if (!params || !pm) return undefined;
    const id = entry.deploymentId;
    const endsAt = this.watches.start(entry.project.id, id, params, (v) => this.over(entry, v));
    const soak = { deploymentId: id, state: "soaking" as const, endsAt, previousFps };
    this.deps.saveProject(entry.project.id, { ...pm, soak });
    const against = params.baseline ? `at least ${params.minFps.toFixed(2)} results/s (of ${params.baseline.fps.toFixed(2)}, the ${params.baseline.from})` : "results flowing";
    this.deps.log.info(`deployment ${id} soaks for ${params.soakMs / 1000} s: ${against}, fewer than ${params.maxWorkerRestarts} worker restarts`, { deploymentId: id, projectId: entry.project.id });
    return soak;
  }

  /** Passed: reported, it counts as succeeded. Failed: reported now (spooled), then rolled back in its lane. */
  private over(entry: DesiredProject, verdict: SoakVerdict): void {
    const id = entry.deploymentId;
    const projectId = entry.project.id;
    const pm = this.deps.project(projectId);
    this.settle(id, verdict.passed && pm?.current?.deploymentId === id);
    if (!pm || pm.current?.deploymentId !== id) return;
    const log = this.deps.log.child({ deploymentId: id, projectId });
    if (verdict.passed) {
      const soak = { deploymentId: id, state: "passed" as const };
      this.deps.saveProject(projectId, { ...pm, soak });
      log.info(`deployment ${id} passed its soak: ${verdict.summary}`);
      this.deps.reporter.progress(progress(id, "running", { reason: `soak passed: ${verdict.summary}`, soak }));
    } else {
      const err = verdict.error;
      const error = errorRecord(id, err);
      const soak = { deploymentId: id, state: "failed" as const, reason: error.message, code: err.code };
      this.deps.saveProject(projectId, { ...pm, soak, lastError: error }, { lastError: error });
      log.error(`deployment ${id} failed its soak: ${err.message}`, { code: err.code });
      this.deps.reporter.progress(progress(id, "failed", { reason: `soak failed: ${err.message}`, code: err.code, soak }));
      this.deps.rollbackLater(projectId, id);
    }
    this.deps.reportState();
  }

  /**
   * After a failed soak: the version that ran before runs again (its artifacts stayed in the
   * cache), or, when there was none, the project stops. Nothing if a newer deployment took over.
   */
  async rollBack(projectId: string, failedId: string): Promise<void> {
    const pm = this.deps.project(projectId);
    if (!pm || pm.current?.deploymentId !== failedId) return;
    const failed = pm.current;
    const lastHandled = { deploymentId: failedId, outcome: "failed" as const, version: failed.project.version };
    const log = this.deps.log.child({ deploymentId: failedId, projectId });
    const prev = pm.previous;
    if (!prev) {
      await this.deps.host.remove(projectId);
      this.deps.saveProject(projectId, { ...pm, current: null, previous: null, lastHandled });
      log.warn(`deployment ${failedId} stopped: nothing ran before it to roll back to`);
      this.deps.reportState();
      return;
    }
    try {
      await this.deps.host.replace(this.deps.specOf(prev), { awaitFirstFrame: true });
    } catch (err) {
      // Nothing better to run: the failing version keeps running, reported failed with both errors.
      const e = asError(err);
      log.error(`rolling back to deployment ${prev.deploymentId} failed, deployment ${failedId} keeps running: ${e.message}`, { code: e.code });
      this.deps.saveProject(projectId, { ...pm, lastHandled, lastError: errorRecord(prev.deploymentId, e) });
      this.deps.reportState();
      return;
    }
    this.rolledBack(projectId, pm, prev);
    this.deps.reportState();
  }

  /**
   * At start, when the agent stopped after a failed soak but before its rollback: the manager
   * resumed the version before (`pm.previous`), or nothing when there was none; this records it
   * and reports the rollback.
   */
  rolledBackAtStart(projectId: string, pm: ProjectMemory): void {
    const failed = pm.current;
    if (!failed) return;
    if (pm.previous) this.rolledBack(projectId, pm, pm.previous);
    else this.deps.saveProject(projectId, { ...pm, current: null, previous: null, lastHandled: { deploymentId: failed.deploymentId, outcome: "failed", version: failed.project.version } });
  }

  private rolledBack(projectId: string, pm: ProjectMemory, prev: DesiredProject): void {
    const failed = pm.current!;
    const lastHandled = { deploymentId: failed.deploymentId, outcome: "failed" as const, version: failed.project.version };
    this.deps.saveProject(projectId, { ...pm, current: prev, previous: null, lastHandled });
    const what = `deployment ${prev.deploymentId} (project ${projectId} v${prev.project.version}) runs again`;
    this.deps.log.warn(`deployment ${failed.deploymentId} rolled back: ${what}`, { deploymentId: failed.deploymentId, projectId });
    this.deps.reporter.progress(progress(failed.deploymentId, "rolled-back", { reason: what, ...(pm.soak ? { soak: soakStatusOf(pm.soak) } : {}) }));
  }
}
