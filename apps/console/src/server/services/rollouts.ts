/**
 * Staged rollouts (docs/design.md "Staged rollouts"): one project version to a list of devices,
 * told batch by batch by rollout-driver.ts. Here: creating one, reading it (counts and a row per
 * device), pause, resume and cancel. A rollout to a group is over its members now, pinned ones
 * left out (a pin keeps a device out of group rollouts, docs/design.md "Device groups").
 */
import { asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { deployments, deviceGroups, projects, rolloutDevices, rollouts } from "@edgelens/db";
import { EdgelensError, RolloutParamsSchema, type RolloutDeviceState, type RolloutParams, type RolloutParamsInput, type RolloutState, type SoakState } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { deviceProjectRows } from "./device-desired-state";
import { getDevice } from "./devices";
import { groupRow, rolloutGroupTargets } from "./group-members";
import { getProject, getProjectVersion } from "./projects";
import { rateHeldUntil } from "./rollout-plan";

export const ROLLOUT_ID_PREFIX = "rol";

export interface RolloutCounts {
  targeted: number;
  notified: number;
  running: number;
  failed: number;
  rolledBack: number;
  pending: number;
}

export interface RolloutDeviceView {
  id: string;
  state: RolloutDeviceState;
  reason?: string;
  batch: number | null;
  deploymentId: string | null;
  /** What the device last reported on the rollout's deployment. */
  deploymentState: string | null;
  /** The device's word on the soak of that deployment (a device counts as running once it passed). */
  soak: SoakState | null;
  rollbackDeploymentId: string | null;
  notifiedAt: number | null;
}

export interface RolloutView {
  id: string;
  projectId: string;
  projectName: string | null;
  projectVersion: number;
  state: RolloutState;
  params: RolloutParams;
  abortReason: string | null;
  /** A rollout over a group becomes the group's deployment (with this priority) once it completes. */
  group: { id: string; name: string; priority: number } | null;
  /** While `maxPerMinute` holds back devices the rollout would tell now: when the next may be told. */
  heldUntil: number | null;
  counts: RolloutCounts;
  devices: RolloutDeviceView[];
  createdBy: string | null;
  createdAt: number;
  updatedAt: number | null;
}

export const CreateRolloutSchema = z
  .object({
    projectId: z.string().min(1),
    deviceIds: z.array(z.string().min(1)).min(1, "deviceIds: name at least one device").max(100_000).optional(),
    /** Instead of deviceIds: the group's members now, pinned devices left out. */
    group: z.string().min(1).optional(),
    /** With group: the priority of the group deployment it becomes once it completes. */
    priority: z.number().int().min(-1000).max(1000).optional(),
    version: z.number().int().positive().optional(),
    params: RolloutParamsSchema.default(RolloutParamsSchema.parse({})),
  })
  .strict()
  .refine((i) => (i.deviceIds === undefined) !== (i.group === undefined), { message: "give either deviceIds or group", path: ["deviceIds"] })
  .refine((i) => i.priority === undefined || i.group !== undefined, { message: "priority goes with group (the group deployment the rollout becomes)", path: ["priority"] });
export type CreateRolloutInput = { projectId: string; deviceIds?: string[]; group?: string; priority?: number; version?: number; params?: RolloutParamsInput };

export function countDevices(devices: readonly { state: RolloutDeviceState }[]): RolloutCounts {
  const c: RolloutCounts = { targeted: devices.length, notified: 0, running: 0, failed: 0, rolledBack: 0, pending: 0 };
  for (const d of devices) {
    if (d.state === "pending") c.pending += 1;
    else c.notified += 1;
    if (d.state === "running") c.running += 1;
    if (d.state === "failed" || d.state === "rolled-back") c.failed += 1;
    if (d.state === "rolled-back") c.rolledBack += 1;
  }
  return c;
}

/**
 * Records the rollout with every device pending; the driver tells the first batch on its next
 * tick. `pinned`: the group's members it left out.
 */
export function createRollout(ctx: ServiceContext, input: CreateRolloutInput, actor?: string): RolloutView & { pinned: string[] } {
  const i = CreateRolloutSchema.parse(input);
  const project = getProject(ctx, i.projectId);
  const version = i.version ?? project.latestVersion;
  getProjectVersion(ctx, project.id, version);
  const group = i.group === undefined ? undefined : groupRow(ctx, i.group);
  const { deviceIds, pinned } = group === undefined ? { deviceIds: [...new Set(i.deviceIds)], pinned: [] } : groupTargets(ctx, group.name);
  for (const id of deviceIds) getDevice(ctx, id);
  const id = newId(ROLLOUT_ID_PREFIX);
  ctx.handle.sqlite.transaction(() => {
    ctx.db
      .insert(rollouts)
      .values({ id, projectId: project.id, projectVersion: version, state: "rolling", params: i.params, groupId: group?.id ?? null, priority: i.priority ?? 0, createdBy: actor ?? null })
      .run();
    deviceIds.forEach((deviceId, position) => {
      const before = deviceProjectRows(ctx, deviceId).find((r) => r.projectId === project.id);
      ctx.db
        .insert(rolloutDevices)
        .values({ rolloutId: id, deviceId, position, previousVersion: before?.projectVersion ?? null })
        .run();
    });
  })();
  return { ...getRollout(ctx, id), pinned };
}

function groupTargets(ctx: ServiceContext, group: string): { deviceIds: string[]; pinned: string[] } {
  const targets = rolloutGroupTargets(ctx, group);
  if (targets.deviceIds.length === 0) {
    const { pinned } = targets;
    const why = pinned.length > 0 ? `all ${pinned.length} of its devices are pinned` : "it has no devices";
    throw new EdgelensError("INVALID_PAYLOAD", `group ${group}: nothing to roll out to, ${why}`, { group, pinned });
  }
  return targets;
}

export function rolloutDeviceRows(ctx: ServiceContext, rolloutId: string) {
  return ctx.db
    .select({ d: rolloutDevices, deploymentState: deployments.state, deploymentReason: deployments.reason, soak: deployments.soak })
    .from(rolloutDevices)
    .leftJoin(deployments, eq(deployments.id, rolloutDevices.deploymentId))
    .where(eq(rolloutDevices.rolloutId, rolloutId))
    .orderBy(asc(rolloutDevices.position))
    .all();
}

export function rolloutRow(ctx: ServiceContext, id: string) {
  const row = ctx.db
    .select({ r: rollouts, projectName: projects.name, groupName: deviceGroups.name })
    .from(rollouts)
    .leftJoin(projects, eq(projects.id, rollouts.projectId))
    .leftJoin(deviceGroups, eq(deviceGroups.id, rollouts.groupId))
    .where(eq(rollouts.id, id))
    .get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no rollout ${id}`, { deploymentId: id });
  return { ...row.r, params: RolloutParamsSchema.parse(row.r.params), projectName: row.projectName, groupName: row.groupName };
}

export function getRollout(ctx: ServiceContext, id: string): RolloutView {
  const r = rolloutRow(ctx, id);
  const devices: RolloutDeviceView[] = rolloutDeviceRows(ctx, id).map(({ d, deploymentState, soak }) => ({
    id: d.deviceId,
    state: d.state,
    ...(d.reason ? { reason: d.reason } : {}),
    batch: d.batch,
    deploymentId: d.deploymentId,
    deploymentState: deploymentState ?? null,
    soak: soak ?? null,
    rollbackDeploymentId: d.rollbackDeploymentId,
    notifiedAt: d.notifiedAt,
  }));
  return {
    id: r.id,
    projectId: r.projectId,
    projectName: r.projectName,
    projectVersion: r.projectVersion,
    state: r.state,
    params: r.params,
    abortReason: r.abortReason,
    group: r.groupId && r.groupName ? { id: r.groupId, name: r.groupName, priority: r.priority } : null,
    heldUntil: rateHeldUntil({ state: r.state, params: r.params, devices, now: Date.now() }),
    counts: countDevices(devices),
    devices,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function listRollouts(ctx: ServiceContext, limit = 50): Omit<RolloutView, "devices">[] {
  return ctx.db
    .select({ id: rollouts.id })
    .from(rollouts)
    .orderBy(desc(rollouts.createdAt), desc(rollouts.id))
    .limit(limit)
    .all()
    .map(({ id }) => {
      const { devices: _devices, ...rest } = getRollout(ctx, id);
      return rest;
    });
}

export const RolloutMoveSchema = z.object({ action: z.enum(["pause", "resume", "cancel"]) }).strict();

const MOVES: Record<"pause" | "resume" | "cancel", { from: RolloutState[]; to: RolloutState }> = {
  pause: { from: ["rolling"], to: "paused" },
  resume: { from: ["paused"], to: "rolling" },
  cancel: { from: ["rolling", "paused"], to: "cancelled" },
};

/**
 * Pause stops telling devices (those told carry on); resume goes on where it stopped; cancel
 * ends it: devices not told yet never are. A move from a state it does not apply to is a CONFLICT.
 */
export function moveRollout(ctx: ServiceContext, id: string, move: keyof typeof MOVES): RolloutView {
  const { from, to } = MOVES[move];
  const r = rolloutRow(ctx, id);
  if (!from.includes(r.state)) throw new EdgelensError("CONFLICT", `rollout ${id} is ${r.state}: cannot ${move} it`, { deploymentId: id });
  ctx.db.update(rollouts).set({ state: to, updatedAt: Date.now() }).where(eq(rollouts.id, id)).run();
  return getRollout(ctx, id);
}

export interface DeploymentSummary {
  id: string;
  state: string;
  counts: RolloutCounts;
  devices: { id: string; state: string; reason?: string }[];
  abortReason?: string | null;
}

/**
 * `deployment show`: a rollout as it stands, or one device's deployment in the same shape (a
 * one-device summary: its own state, counted as a rollout would count it).
 */
export function showDeployment(ctx: ServiceContext, id: string): DeploymentSummary & Record<string, unknown> {
  if (id.startsWith(`${ROLLOUT_ID_PREFIX}_`)) {
    const r = getRollout(ctx, id);
    return { ...r, devices: r.devices.map((d) => ({ ...d })) };
  }
  const row = ctx.db.select().from(deployments).where(eq(deployments.id, id)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no deployment or rollout ${id}`, { deploymentId: id });
  const as: RolloutDeviceState = row.state === "running" ? "running" : row.state === "failed" ? "failed" : row.state === "rolled-back" ? "rolled-back" : "notified";
  const reason = row.reason ?? undefined;
  return {
    id: row.id,
    kind: row.kind,
    projectId: row.projectId,
    projectVersion: row.projectVersion,
    state: row.state,
    counts: countDevices([{ state: as }]),
    devices: [{ id: row.deviceId, state: row.state, ...(reason ? { reason } : {}) }],
  };
}
