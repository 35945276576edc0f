import type { Artifact, DeploymentProgress, DeploymentState, DesiredState, ReportedState } from "@edgelens/shared/schemas";
import type { DeployMemory } from "./deploy-state-store";

/**
 * The pure half of the deployment state machine: what to do with a desired state, which
 * artifacts it needs, and the messages that describe each step. The manager performs the steps.
 */
export type Decision =
  | { kind: "ignore"; why: string }
  | { kind: "remove" }
  | { kind: "deploy"; artifacts: Artifact[] };

export function decide(desired: DesiredState, memory: DeployMemory, inProgress: string | null): Decision {
  const id = desired.deploymentId;
  if (id === inProgress) return { kind: "ignore", why: `deployment ${id} is in progress` };
  if (memory.current?.deploymentId === id) return { kind: "ignore", why: `deployment ${id} already runs` };
  if (memory.lastHandled?.deploymentId === id) return { kind: "ignore", why: `deployment ${id} was already handled (${memory.lastHandled.outcome})` };
  if (desired.project === null) return { kind: "remove" };
  return { kind: "deploy", artifacts: artifactsOf(desired) };
}

/** Function first, then models by name; one entry per hash. */
export function artifactsOf(desired: DesiredState): Artifact[] {
  const all = [...(desired.function ? [desired.function] : []), ...Object.keys(desired.models).sort().map((k) => desired.models[k]!)];
  const seen = new Set<string>();
  return all.filter((a) => (seen.has(a.sha256) ? false : (seen.add(a.sha256), true)));
}

/** Hashes the agent must keep in its cache: what runs now and what ran before. */
export function keptHashes(memory: DeployMemory): Set<string> {
  const keep = new Set<string>();
  for (const d of [memory.current, memory.previous]) if (d) for (const a of artifactsOf(d)) keep.add(a.sha256);
  return keep;
}

export function progress(deploymentId: string, state: DeploymentState, extra: { pct?: number; reason?: string; code?: string } = {}, now = Date.now()): DeploymentProgress {
  return {
    deploymentId,
    state,
    ...(extra.pct !== undefined ? { pct: Math.max(0, Math.min(100, Math.round(extra.pct * 10) / 10)) } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason.slice(0, 4096) } : {}),
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ts: now,
  };
}

/**
 * `shadow/reported`: deploymentId and project name what runs now (null: nothing); `state` is
 * `running` (`degraded` once its error rate crossed the limit), `removed` after an explicit removal, `failed` when the last deployment failed and
 * nothing runs, else `idle`; lastError keeps the last failure even while an older project runs.
 */
export function reportedState(memory: DeployMemory, agentVersion: string, now = Date.now()): ReportedState {
  const cur = memory.current;
  let state: ReportedState["state"] = "idle";
  if (cur) state = memory.lastHandled?.deploymentId === cur.deploymentId && memory.lastHandled.outcome === "degraded" ? "degraded" : "running";
  else if (memory.lastHandled?.outcome === "removed") state = "removed";
  else if (memory.lastHandled?.outcome === "failed") state = "failed";
  return {
    deploymentId: cur?.deploymentId ?? null,
    project: cur?.project ? { id: cur.project.id, version: cur.project.version } : null,
    state,
    lastError: memory.lastError,
    agentVersion,
    ts: now,
  };
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
