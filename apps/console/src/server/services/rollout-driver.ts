/**
 * Drives staged rollouts: each tick reads a rollout and its devices, asks rollout-plan.ts what
 * to do and does it through the deployment services (tell a batch, roll failed devices back,
 * record outcomes). Everything lives in the database, so a restarted console goes on where it
 * stopped. One driver at a time per rollout: a short lease in the row (the console server, or a
 * CLI waiting with the console down).
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, lt, notLike, or, sql } from "drizzle-orm";
import { deployments, rolloutDevices, rollouts } from "@edgelens/db";
import type { ServiceContext } from "../context";
import { deployProject, undeployProject } from "./deployments";
import { adoptCompletedRollout } from "./group-deployments";
import { publishedOnly, UNPUBLISHED_REASON } from "./device-desired-state";
import { planRollout, type PlanDevice } from "./rollout-plan";
import { rolloutDeviceRows, rolloutRow } from "./rollouts";

const LEASE_MS = 15_000;

export function newDriverId(kind: string): string {
  return `${kind}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Takes (or renews) the rollout's lease; false while another driver holds it. */
function takeLease(ctx: ServiceContext, id: string, owner: string, now: number): boolean {
  const free = or(isNull(rollouts.leaseOwner), eq(rollouts.leaseOwner, owner), lt(rollouts.leaseUntil, now));
  return ctx.db.update(rollouts).set({ leaseOwner: owner, leaseUntil: now + LEASE_MS }).where(and(eq(rollouts.id, id), free)).run().changes > 0;
}

function releaseLease(ctx: ServiceContext, id: string, owner: string): void {
  ctx.db.update(rollouts).set({ leaseOwner: null, leaseUntil: null }).where(and(eq(rollouts.id, id), eq(rollouts.leaseOwner, owner))).run();
}

function setDevice(ctx: ServiceContext, rolloutId: string, deviceId: string, values: Partial<typeof rolloutDevices.$inferInsert>): void {
  ctx.db
    .update(rolloutDevices)
    .set(values)
    .where(and(eq(rolloutDevices.rolloutId, rolloutId), eq(rolloutDevices.deviceId, deviceId)))
    .run();
}

/**
 * How the reason of a device whose rollback threw (the old version deleted, say) reads; such a
 * device is not tried again, by this process or the next.
 */
const NOT_ROLLED_BACK = "not rolled back:";

async function rollBack(ctx: ServiceContext, rolloutId: string, projectId: string, deviceId: string, previousVersion: number | null, reason: string | null): Promise<void> {
  const actor = `rollout:${rolloutId}`;
  try {
    const [back] =
      previousVersion === null
        ? await undeployProject(ctx, { projectId, deviceIds: [deviceId] }, actor)
        : await deployProject(ctx, { projectId, deviceIds: [deviceId], version: previousVersion }, actor);
    setDevice(ctx, rolloutId, deviceId, { state: "rolled-back", rollbackDeploymentId: back?.id ?? null });
  } catch (err) {
    setDevice(ctx, rolloutId, deviceId, { reason: `${reason ?? "failed"}; ${NOT_ROLLED_BACK} ${(err as Error).message}` });
  }
}

/** A group rollout that completed becomes the group's deployment (docs/design.md "Staged rollouts"). */
async function adoptRollout(ctx: ServiceContext, groupId: string, id: string): Promise<void> {
  const r = rolloutRow(ctx, id);
  const rows = rolloutDeviceRows(ctx, id).map(({ d }) => d);
  const succeeded = rows.flatMap((d) => (d.state === "running" && d.deploymentId ? [d.deploymentId] : []));
  await adoptCompletedRollout(ctx, { id, groupId, projectId: r.projectId, projectVersion: r.projectVersion, priority: r.priority, targets: rows.map((d) => d.deviceId), succeeded });
}

/**
 * One step of one rollout. Returns whether it still needs ticks (devices in flight, failures to
 * roll back, or devices to tell); false also when another driver holds it.
 */
export async function tickRollout(ctx: ServiceContext, id: string, owner: string, now = Date.now()): Promise<boolean> {
  if (!takeLease(ctx, id, owner, now)) return false;
  const r = rolloutRow(ctx, id);
  const rows = rolloutDeviceRows(ctx, id);
  const devices: PlanDevice[] = rows.map(({ d, deploymentState, deploymentReason, soak }) => {
    const reachable = d.state === "notified" || (d.state === "failed" && !(d.reason ?? "").includes(NOT_ROLLED_BACK));
    const deployment =
      reachable && deploymentState
        ? { state: deploymentState, reason: deploymentReason, soak, unpublished: deploymentState === "failed" && (deploymentReason ?? "").startsWith(UNPUBLISHED_REASON) }
        : undefined;
    return { id: d.deviceId, state: d.state, batch: d.batch, notifiedAt: d.notifiedAt, ...(deployment ? { deployment } : {}) };
  });
  const plan = planRollout({ state: r.state, params: r.params, devices, now });
  for (const f of plan.finished) setDevice(ctx, id, f.id, { state: f.outcome, reason: f.reason, finishedAt: now });
  // Before the state moves, so that a rollout that reads aborted or completed has told its failed
  // devices to go back (the page stops refreshing then), and a console that dies in between finds
  // the rollout still live and the devices failed, to roll back on its next tick.
  const byDevice = new Map(rows.map(({ d }) => [d.deviceId, d]));
  for (const deviceId of plan.rollback) {
    const reason = plan.finished.find((f) => f.id === deviceId)?.reason ?? byDevice.get(deviceId)?.reason ?? null;
    await rollBack(ctx, id, r.projectId, deviceId, byDevice.get(deviceId)?.previousVersion ?? null, reason);
  }
  // Also before: a failure here leaves it rolling, and the next tick tries again.
  if (plan.state === "completed" && r.state !== "completed" && r.groupId) await adoptRollout(ctx, r.groupId, id);
  if (plan.state !== r.state || plan.abortReason) {
    ctx.db
      .update(rollouts)
      .set({ state: plan.state, updatedAt: now, ...(plan.abortReason ? { abortReason: plan.abortReason } : {}) })
      .where(eq(rollouts.id, id))
      .run();
  }
  if (plan.notify.ids.length > 0) {
    // Recorded before it is sent: a crash in between tells a device twice (harmless), never loses one.
    for (const deviceId of plan.notify.ids) setDevice(ctx, id, deviceId, { state: "notified", batch: plan.notify.batch, notifiedAt: now });
    const soak = r.params.soakS > 0 ? { seconds: r.params.soakS, minFpsRatio: r.params.minFpsRatio } : undefined;
    try {
      const created = await deployProject(ctx, { projectId: r.projectId, version: r.projectVersion, deviceIds: plan.notify.ids, ...(soak ? { soak } : {}) }, `rollout:${id}`);
      for (const d of created) setDevice(ctx, id, d.deviceId, { deploymentId: d.id });
    } catch (err) {
      const reason = `could not tell devices: ${(err as Error).message}`;
      for (const deviceId of plan.notify.ids) setDevice(ctx, id, deviceId, { state: "failed", reason, finishedAt: now });
      ctx.db.update(rollouts).set({ state: "aborted", abortReason: reason, updatedAt: now }).where(eq(rollouts.id, id)).run();
    }
  }
  const after = rolloutRow(ctx, id);
  const busy = after.state === "rolling" || after.state === "paused" || rolloutDeviceRows(ctx, id).some(({ d }) => d.state === "notified");
  if (!busy) releaseLease(ctx, id, owner);
  return busy;
}

/**
 * Rollouts that may need a tick: live ones, ended ones with devices still in flight (a device
 * that fails is rolled back in the tick that sees it fail), and ended ones with a failed device
 * not yet told to go back (a console that stopped between the two).
 */
export function activeRolloutIds(ctx: ServiceContext): string[] {
  const live = ctx.db.select({ id: rollouts.id }).from(rollouts).where(inArray(rollouts.state, ["rolling", "paused"])).all();
  const inFlight = ctx.db
    .selectDistinct({ id: rolloutDevices.rolloutId })
    .from(rolloutDevices)
    .where(eq(rolloutDevices.state, "notified"))
    .all();
  // What planRollout rolls back: failed on a deployment that reached the device, and not refused.
  const toRollBack = ctx.db
    .selectDistinct({ id: rolloutDevices.rolloutId })
    .from(rolloutDevices)
    .innerJoin(deployments, eq(deployments.id, rolloutDevices.deploymentId))
    .where(and(eq(rolloutDevices.state, "failed"), isNull(rolloutDevices.rollbackDeploymentId), publishedOnly, notLike(sql`coalesce(${rolloutDevices.reason}, '')`, `%${NOT_ROLLED_BACK}%`)))
    .all();
  return [...new Set([...live, ...inFlight, ...toRollBack].map((x) => x.id))];
}

export interface RolloutEngine {
  stop(): Promise<void>;
}

/** Ticks every active rollout every `intervalMs` (the console server runs one for its life). */
export function startRolloutEngine(ctx: ServiceContext, options: { intervalMs?: number; owner?: string; only?: string } = {}): RolloutEngine {
  const owner = options.owner ?? newDriverId("console");
  const intervalMs = options.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = async () => {
    const ids = options.only ? [options.only] : activeRolloutIds(ctx);
    for (const id of ids) {
      if (stopped) return;
      try {
        await tickRollout(ctx, id, owner);
      } catch (err) {
        console.warn(`edgelens: rollout ${id}: tick failed: ${(err as Error).message}`);
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = loop().finally(schedule);
    }, intervalMs);
    timer.unref?.();
  };
  running = loop().finally(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => {});
      // A stopping console hands its rollouts over at once instead of after the lease runs out.
      ctx.db.update(rollouts).set({ leaseOwner: null, leaseUntil: null }).where(eq(rollouts.leaseOwner, owner)).run();
    },
  };
}
