/**
 * The staged-rollout decision, pure (docs/design.md "Staged rollouts"): from the parameters, each
 * device's standing and the clock, which devices finished (and how), whether the rollout aborts
 * or completes, and which devices to tell next. No I/O: rollout-driver.ts reads and writes.
 */
import type { DeploymentState, RolloutDeviceState, RolloutParams, RolloutState, SoakState } from "@edgelens/shared";

export interface PlanDevice {
  id: string;
  state: RolloutDeviceState;
  /** The batch it was told in; null while pending. */
  batch: number | null;
  notifiedAt: number | null;
  /** What the device reported on the rollout's deployment (notified devices). */
  deployment?: { state: DeploymentState; reason: string | null; soak: SoakState | null; unpublished: boolean };
}

export interface PlanInput {
  state: RolloutState;
  params: RolloutParams;
  devices: readonly PlanDevice[];
  now: number;
}

export interface Finished {
  id: string;
  outcome: "running" | "failed";
  reason: string | null;
}

export interface Plan {
  /** Notified devices that finished now. */
  finished: Finished[];
  /** Failed devices (now or before) that still run the new deployment: tell them to go back. */
  rollback: string[];
  /** Devices to tell now, all in batch `batch`. */
  notify: { ids: string[]; batch: number };
  state: RolloutState;
  abortReason: string | null;
}

const MINUTE_MS = 60_000;
const DONE: ReadonlySet<RolloutDeviceState> = new Set(["running", "failed", "rolled-back"]);
const FAILED: ReadonlySet<RolloutDeviceState> = new Set(["failed", "rolled-back"]);

/** How one notified device ends, or null while it is still under way. */
export function settleDevice(params: RolloutParams, d: PlanDevice, now: number): Finished | null {
  if (d.state !== "notified" || !d.deployment) return null;
  const { state, reason, soak } = d.deployment;
  if (state === "failed" || state === "rolled-back" || soak === "failed") return { id: d.id, outcome: "failed", reason: reason ?? (soak === "failed" ? "soak failed" : state) };
  if (state === "removed") return { id: d.id, outcome: "failed", reason: "removed from the device before it finished" };
  const healthy = state === "running" && (params.soakS === 0 || soak === "passed");
  if (healthy) return { id: d.id, outcome: "running", reason: null };
  const since = d.notifiedAt ?? now;
  if (state !== "running" && now - since >= params.deviceTimeoutS * 1000) {
    return { id: d.id, outcome: "failed", reason: `did not reach running within ${params.deviceTimeoutS} s (last: ${state})` };
  }
  if (state === "running" && now - since >= (params.deviceTimeoutS + params.soakS) * 1000) {
    return { id: d.id, outcome: "failed", reason: `running, but no passed soak of ${params.soakS} s reported within ${params.deviceTimeoutS + params.soakS} s` };
  }
  return null;
}

/** The size of batch `b`: the first is `batch`; each next grows by `increase` after a batch without failure. */
export function batchSize(params: RolloutParams, devices: readonly PlanDevice[], b: number): number {
  let size = params.batch;
  for (let k = 0; k < b; k += 1) {
    const failed = devices.some((d) => d.batch === k && FAILED.has(d.state));
    if (!failed) size = Math.ceil(size * params.increase);
  }
  return size;
}

/** The abort reason when the failures reach the threshold, else null. */
export function abortReasonOf(params: RolloutParams, devices: readonly PlanDevice[]): string | null {
  if (params.abortFailuresPct === null) return null;
  const finished = devices.filter((d) => DONE.has(d.state)).length;
  const failed = devices.filter((d) => FAILED.has(d.state)).length;
  if (finished < params.abortMin || failed * 100 < params.abortFailuresPct * finished) return null;
  const pct = Math.round((failed * 1000) / finished) / 10;
  return `${failed} of ${finished} finished devices failed (${pct}% >= ${params.abortFailuresPct}%, after at least ${params.abortMin})`;
}

interface NextNotify {
  ids: string[];
  batch: number;
  /** When `maxPerMinute` held devices back that the batch wants now: when the next may be told. */
  heldUntil: number | null;
}

function nextToNotify(input: PlanInput, devices: readonly PlanDevice[]): NextNotify {
  const { params, now } = input;
  const pending = devices.filter((d) => d.state === "pending");
  const told = devices.filter((d) => d.batch !== null);
  if (pending.length === 0) return { ids: [], batch: 0, heldUntil: null };
  const current = told.reduce((max, d) => Math.max(max, d.batch ?? 0), -1);
  let batch = current;
  let want = 0;
  if (current >= 0) {
    const members = told.filter((d) => d.batch === current);
    // The rate held part of the batch back: fill it before anything else.
    want = batchSize(params, devices, current) - members.length;
    if (want <= 0 && members.every((d) => DONE.has(d.state))) {
      batch = current + 1;
      want = batchSize(params, devices, batch);
    }
  } else {
    batch = 0;
    want = batchSize(params, devices, 0);
  }
  const inWindow = told.flatMap((d) => (d.notifiedAt !== null && now - d.notifiedAt < MINUTE_MS ? [d.notifiedAt] : [])).sort((a, b) => a - b);
  const wanted = Math.min(want, pending.length);
  const allowed = Math.min(wanted, params.maxPerMinute - inWindow.length);
  // The next slot opens when enough of the last minute's notifications age out of the window.
  const freeing = inWindow[inWindow.length - params.maxPerMinute + Math.max(allowed, 0)];
  const heldUntil = allowed < wanted && freeing !== undefined ? freeing + MINUTE_MS : null;
  return { ids: allowed > 0 ? pending.slice(0, allowed).map((d) => d.id) : [], batch, heldUntil };
}

/** When `maxPerMinute` holds back devices the rollout would tell now, the time the next one may be; else null. */
export function rateHeldUntil(input: PlanInput): number | null {
  return input.state === "rolling" ? nextToNotify(input, input.devices).heldUntil : null;
}

export function planRollout(input: PlanInput): Plan {
  const finished: Finished[] = [];
  const devices = input.devices.map((d) => {
    const f = settleDevice(input.params, d, input.now);
    if (!f) return d;
    finished.push(f);
    return { ...d, state: f.outcome };
  });
  const rollback = devices.filter((d) => d.state === "failed" && d.deployment && !d.deployment.unpublished).map((d) => d.id);
  const live = input.state === "rolling" || input.state === "paused";
  const abortReason = live ? abortReasonOf(input.params, devices) : null;
  if (abortReason) return { finished, rollback, notify: { ids: [], batch: 0 }, state: "aborted", abortReason };
  const { ids, batch } = input.state === "rolling" ? nextToNotify(input, devices) : { ids: [], batch: 0 };
  const notify = { ids, batch };
  const untold = devices.some((d) => d.state === "pending") || devices.some((d) => d.state === "notified");
  const state = live && !untold ? "completed" : input.state;
  return { finished, rollback, notify, state, abortReason: null };
}
