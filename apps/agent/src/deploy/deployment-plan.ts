import { cameraNameOf, type Artifact, type Camera, type DeploymentProgress, type DeploymentState, type DesiredProject, type DesiredStateV2, type ReportedProject, type ReportedState, type SoakStatus } from "@edgelens/shared/schemas";
import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import { describeError } from "../telemetry/logger";
import type { DeployMemory, ErrorRecord, ProjectMemory } from "./deploy-state-store";
import type { ProjectStatus } from "./project-host";

/**
 * The pure half of the deployment state machine: what to do with a desired state (per project),
 * which artifacts a project needs, and the messages that describe each step. The manager
 * performs the steps.
 */
export interface Plan {
  /** Entries to deploy: new projects and new versions of running ones. */
  deploy: DesiredProject[];
  /** Projects that run (or wait to) and are no longer in the desired state. */
  remove: string[];
  /** Projects the agent only remembers (their deployment failed) that are gone from the desired state. */
  forget: string[];
  /** The deployment `removed` is reported under, when the desired state's own id is a removal not yet handled. */
  removalId: string | null;
  /** Why nothing is done, for the debug log. */
  ignored: string[];
  /**
   * Entries of deployments that run (or are under way) carrying another face gallery than the
   * one in use: the gallery changed in the console, the deployment did not (docs/design.md "Face gallery").
   */
  galleries: DesiredProject[];
}

/** `busy`: project id -> the deployment id its lane is carrying out now. */
export function planDesired(desired: DesiredStateV2, memory: DeployMemory, busy: ReadonlyMap<string, string>): Plan {
  const plan: Plan = { deploy: [], remove: [], forget: [], removalId: null, ignored: [], galleries: [] };
  const wanted = new Set<string>();
  for (const entry of desired.projects) {
    wanted.add(entry.project.id);
    const pm = memory.projects[entry.project.id];
    const inProgress = busy.get(entry.project.id);
    const why = alreadyHandled(entry, pm, inProgress, desired.cameras ?? []);
    if (!why) plan.deploy.push(entry);
    else if (galleryChanged(entry, pm, inProgress)) plan.galleries.push(entry);
    else plan.ignored.push(why);
  }
  for (const [projectId, pm] of Object.entries(memory.projects)) {
    if (wanted.has(projectId)) continue;
    if (pm.current || busy.has(projectId)) plan.remove.push(projectId);
    else plan.forget.push(projectId);
  }
  for (const projectId of busy.keys()) if (!wanted.has(projectId) && !memory.projects[projectId]) plan.remove.push(projectId);
  const isEntry = desired.projects.some((p) => p.deploymentId === desired.deploymentId);
  if (!isEntry && memory.lastHandled?.deploymentId !== desired.deploymentId) plan.removalId = desired.deploymentId;
  return plan;
}

function alreadyHandled(entry: DesiredProject, pm: ProjectMemory | undefined, inProgress: string | undefined, cameras: readonly Camera[]): string | null {
  const id = entry.deploymentId;
  if (id === inProgress) return `deployment ${id} is in progress`;
  if (pm?.current?.deploymentId === id) return `deployment ${id} already runs`;
  if (pm?.lastHandled?.deploymentId === id && !cameraArrived(entry, pm, cameras)) return `deployment ${id} was already handled (${pm.lastHandled.outcome})`;
  return null;
}

/** The entry's gallery is not the one its running (or loading) deployment uses; the gallery job looks again when its turn comes. */
function galleryChanged(entry: DesiredProject, pm: ProjectMemory | undefined, inProgress: string | undefined): boolean {
  if (!entry.gallery) return false;
  if (entry.deploymentId === inProgress) return true;
  const cur = pm?.current;
  return cur?.deploymentId === entry.deploymentId && cur.gallery?.sha256 !== entry.gallery.sha256;
}

/**
 * A deployment that failed only because its camera was not defined yet is tried again once the
 * desired state has that camera: adding the camera after the project is the natural order for a
 * user, and the project must not stay failed until it is deployed again.
 */
function cameraArrived(entry: DesiredProject, pm: ProjectMemory, cameras: readonly Camera[]): boolean {
  if (pm.lastHandled?.outcome !== "failed" || pm.lastError?.code !== "CAMERA_NOT_FOUND" || pm.lastError.deploymentId !== entry.deploymentId) return false;
  const name = cameraNameOf(typeof entry.config.source === "string" ? entry.config.source : undefined);
  return name !== null && cameras.some((c) => c.name === name);
}

/** Function first, then models by name; one entry per hash. */
export function artifactsOf(entry: DesiredProject): Artifact[] {
  // The face gallery (face-recognition) last: fetched, verified and kept like a model.
  const all = [entry.function, ...Object.keys(entry.models).sort().map((k) => entry.models[k]!), ...(entry.gallery ? [entry.gallery] : [])];
  const seen = new Set<string>();
  return all.filter((a) => (seen.has(a.sha256) ? false : (seen.add(a.sha256), true)));
}

/** Hashes the agent must keep in its cache: what runs now and what ran before, of every project, and `extra` (deployments under way). */
export function keptHashes(memory: DeployMemory, extra: DesiredProject[] = []): Set<string> {
  const keep = new Set<string>();
  const entries = [...Object.values(memory.projects).flatMap((pm) => [pm.current, pm.previous]), ...extra];
  for (const d of entries) if (d) for (const a of artifactsOf(d)) keep.add(a.sha256);
  return keep;
}

export function progress(deploymentId: string, state: DeploymentState, extra: { pct?: number; reason?: string; code?: string; soak?: SoakStatus } = {}, now = Date.now()): DeploymentProgress {
  return {
    deploymentId,
    state,
    ...(extra.pct !== undefined ? { pct: Math.max(0, Math.min(100, Math.round(extra.pct * 10) / 10)) } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason.slice(0, 4096) } : {}),
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.soak !== undefined ? { soak: extra.soak } : {}),
    ts: now,
  };
}

/**
 * `shadow/reported`. `projects`: each project that runs (`running`, or `degraded` once its error
 * rate crossed the limit) or whose last deployment failed with nothing of it running (`failed`).
 * The top-level fields summarise for older consoles: deploymentId and project name the project
 * deployed last that runs (null: none); `state` is `degraded` if any project is, else `running`
 * if one runs, `removed` after an explicit removal, `failed` when a deployment failed and nothing
 * runs, else `idle`; lastError is the device's last failure, even while older projects run.
 */
export function reportedState(memory: DeployMemory, agentVersion: string, status: (projectId: string) => ProjectStatus | null, now = Date.now()): ReportedState {
  const projects: ReportedProject[] = [];
  for (const [projectId, pm] of Object.entries(memory.projects)) {
    const s = status(projectId);
    const soak = pm.soak ? soakStatusOf(pm.soak) : undefined;
    const figures = { source: s?.source ?? null, fps: s?.fps ?? 0, latencyMs: s?.latencyMs ?? { p50: 0, p95: 0 }, ...(s?.threads ? { threads: s.threads } : {}), ...(soak ? { soak } : {}) };
    const cur = pm.current;
    if (cur) {
      const degraded = pm.lastHandled?.deploymentId === cur.deploymentId && pm.lastHandled.outcome === "degraded";
      const gallery = cur.gallery ? { gallery: cur.gallery.sha256 } : {};
      projects.push({ deploymentId: cur.deploymentId, project: { id: projectId, version: cur.project.version }, state: degraded ? "degraded" : "running", lastError: pm.lastError, ...figures, ...gallery });
    } else if (pm.lastHandled?.outcome === "failed" && pm.lastHandled.version) {
      projects.push({ deploymentId: pm.lastHandled.deploymentId, project: { id: projectId, version: pm.lastHandled.version }, state: "failed", lastError: pm.lastError, ...figures });
    }
  }
  const running = projects.filter((p) => p.state !== "failed");
  const latest = running.at(-1);
  let state: ReportedState["state"] = "idle";
  if (running.some((p) => p.state === "degraded")) state = "degraded";
  else if (latest) state = "running";
  else if (memory.lastHandled?.outcome === "removed") state = "removed";
  else if (projects.length > 0) state = "failed";
  return {
    deploymentId: latest?.deploymentId ?? null,
    project: latest ? latest.project : null,
    state,
    lastError: memory.lastError,
    projects,
    agentVersion,
    ts: now,
  };
}

/** A project's remembered soak without what only the agent needs (its baseline). */
export function soakStatusOf(soak: NonNullable<ProjectMemory["soak"]>): SoakStatus {
  const { previousFps: _baseline, ...status } = soak;
  return status;
}

/**
 * Throttles download progress: a message when the percentage moved by `step` points or
 * `intervalMs` passed since the last one, and always at 100.
 */
export function createPctThrottle(step: number, intervalMs: number, now: () => number = Date.now): (pct: number) => boolean {
  let lastPct = -Infinity;
  let lastAt = -Infinity;
  return (pct) => {
    const t = now();
    const due = pct >= 100 ? lastPct < 100 : pct - lastPct >= step || (t - lastAt >= intervalMs && pct > lastPct);
    if (due) {
      lastPct = pct;
      lastAt = t;
    }
    return due;
  };
}

/** Any failure as an EdgelensError (INTERNAL when it is none). */
export function asError(err: unknown): EdgelensError {
  if (isEdgelensError(err)) return err;
  return new EdgelensError("INTERNAL", describeError(err), {}, { cause: err });
}

/** A failure as the deployment memory and `lastError` keep it. */
export function errorRecord(deploymentId: string, err: EdgelensError): ErrorRecord {
  return { deploymentId, code: err.code, message: err.message.slice(0, 4096), ts: Date.now() };
}
