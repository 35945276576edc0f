/**
 * Continuous group deployments (docs/design.md "Device groups"). A group deployment names a
 * project version and a priority; each member gets it as an ordinary device deployment that
 * carries its id. Every device follows the winning one among the groups it is in: higher
 * priority, then newer (as Azure IoT Edge). A device that joins a group gets the winner then; one
 * that leaves keeps what it runs. Pinned devices are skipped.
 */
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { deployments, devices, groupDeployments, projects } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { createAndPublish, type DeploymentView } from "./deployments";
import { deviceProjectRows, publishedOnly } from "./device-desired-state";
import { groupRow, groupsOfDevice, refreshMembership, resolveGroupDevices } from "./group-members";
import { getProject, getProjectVersion } from "./projects";

export const GroupDeployInputSchema = z
  .object({
    projectId: z.string().min(1).describe("project id or name"),
    version: z.number().int().positive().optional().describe("default: the project's latest version"),
    priority: z.number().int().min(-1000).max(1000).default(0).describe("between groups a device is in, the higher wins, then the newer"),
  })
  .strict();

export interface GroupDeploymentView {
  id: string;
  groupId: string;
  groupName: string;
  projectId: string;
  projectName: string;
  projectVersion: number;
  priority: number;
  createdBy: string | null;
  createdAt: number;
}

export interface SkippedDevice {
  deviceId: string;
  reason: string;
}

export interface GroupApplyOutcome {
  /** Device deployments created (each carries the group deployment it follows). */
  deployments: DeploymentView[];
  /** Members left as they are, and why (pinned, outranked, has it already). */
  skipped: SkippedDevice[];
}

type Row = typeof groupDeployments.$inferSelect;

export function groupDeploymentView(ctx: ServiceContext, row: Row): GroupDeploymentView {
  const group = groupRow(ctx, row.groupId);
  const project = ctx.db.select({ name: projects.name }).from(projects).where(eq(projects.id, row.projectId)).get();
  return { id: row.id, groupId: row.groupId, groupName: group.name, projectId: row.projectId, projectName: project?.name ?? row.projectId, projectVersion: row.projectVersion, priority: row.priority, createdBy: row.createdBy, createdAt: row.createdAt };
}

/** A group's deployments, newest (the current one) first. */
export function listGroupDeployments(ctx: ServiceContext, nameOrId: string, limit = 50): GroupDeploymentView[] {
  const group = groupRow(ctx, nameOrId);
  return ctx.db
    .select()
    .from(groupDeployments)
    .where(eq(groupDeployments.groupId, group.id))
    .orderBy(desc(groupDeployments.createdAt), desc(groupDeployments.id))
    .limit(limit)
    .all()
    .map((r) => groupDeploymentView(ctx, r));
}

function currentOf(ctx: ServiceContext, groupId: string): Row | undefined {
  return ctx.db.select().from(groupDeployments).where(eq(groupDeployments.groupId, groupId)).orderBy(desc(groupDeployments.createdAt), desc(groupDeployments.id)).limit(1).get();
}

/** Each of the device's groups with its current deployment, the winner first. */
export function rankedGroupDeployments(ctx: ServiceContext, deviceId: string): { group: string; current: Row | undefined }[] {
  const ranked = groupsOfDevice(ctx, deviceId).map((g) => ({ group: g.name, current: currentOf(ctx, g.id) }));
  return ranked.sort((a, b) => {
    if (!a.current || !b.current) return a.current ? -1 : b.current ? 1 : 0;
    return b.current.priority - a.current.priority || b.current.createdAt - a.current.createdAt || (b.current.id > a.current.id ? 1 : -1);
  });
}

/** The newest deployment the device got from a group (what it follows now), if any. */
export function appliedGroupDeployment(ctx: ServiceContext, deviceId: string): typeof deployments.$inferSelect | undefined {
  return ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.deviceId, deviceId), eq(deployments.kind, "deploy"), isNotNull(deployments.groupDeploymentId), publishedOnly))
    .orderBy(desc(deployments.createdAt), desc(deployments.id))
    .limit(1)
    .get();
}

/**
 * Brings each device to its winning group deployment: skipped when pinned, when none of its
 * groups has a deployment, or when it follows the winner already. When the winner deploys
 * another project than the group deployment the device followed, that project is retired in
 * the same desired state (the winner replaces it rather than running beside it).
 */
export async function applyGroupDeployments(ctx: ServiceContext, deviceIds: readonly string[], actor?: string): Promise<GroupApplyOutcome> {
  const skipped: SkippedDevice[] = [];
  const byWinner = new Map<string, { winner: Row; deviceIds: string[]; retire: Map<string, string> }>();
  const pinned = new Set(
    deviceIds.length === 0
      ? []
      : ctx.db
          .select({ id: devices.id })
          .from(devices)
          .where(and(inArray(devices.id, [...deviceIds]), isNotNull(devices.pinnedAt)))
          .all()
          .map((d) => d.id),
  );
  for (const deviceId of deviceIds) {
    if (pinned.has(deviceId)) {
      skipped.push({ deviceId, reason: "pinned" });
      continue;
    }
    const winner = rankedGroupDeployments(ctx, deviceId)[0]?.current;
    if (!winner) {
      skipped.push({ deviceId, reason: "none of its groups has a deployment" });
      continue;
    }
    const applied = appliedGroupDeployment(ctx, deviceId);
    if (applied?.groupDeploymentId === winner.id) {
      skipped.push({ deviceId, reason: "runs the winning group deployment already" });
      continue;
    }
    const entry = byWinner.get(winner.id) ?? { winner, deviceIds: [], retire: new Map<string, string>() };
    entry.deviceIds.push(deviceId);
    const old = applied?.projectId;
    if (old && old !== winner.projectId && deviceProjectRows(ctx, deviceId).some((d) => d.projectId === old)) entry.retire.set(deviceId, old);
    byWinner.set(winner.id, entry);
  }
  const created: DeploymentView[] = [];
  for (const { winner, deviceIds: ids, retire } of byWinner.values()) {
    const target = { kind: "deploy" as const, projectId: winner.projectId, version: winner.projectVersion };
    created.push(...(await createAndPublish(ctx, ids, target, actor, { groupDeploymentId: winner.id, retire })));
  }
  return { deployments: created, skipped };
}

/**
 * Deploys a project version to a group: it becomes the group's current deployment, replacing the
 * older one, and every member where it wins gets it now; members that join later get it then.
 */
export async function deployToGroup(ctx: ServiceContext, nameOrId: string, input: z.input<typeof GroupDeployInputSchema>, actor?: string): Promise<GroupApplyOutcome & { groupDeployment: GroupDeploymentView }> {
  const group = groupRow(ctx, nameOrId);
  const { projectId, version: asked, priority } = GroupDeployInputSchema.parse(input);
  const project = getProject(ctx, projectId);
  const version = asked ?? project.latestVersion;
  if (version === 0) throw new EdgelensError("NOT_FOUND", `project ${project.name} has no saved version to deploy`, { projectId: project.id });
  getProjectVersion(ctx, project.id, version);
  const id = newId("gdp");
  ctx.db.insert(groupDeployments).values({ id, groupId: group.id, projectId: project.id, projectVersion: version, priority, createdBy: actor ?? null }).run();
  const outcome = await applyGroupDeployments(ctx, resolveGroupDevices(ctx, group.id), actor);
  const row = ctx.db.select().from(groupDeployments).where(eq(groupDeployments.id, id)).get() as Row;
  return { groupDeployment: groupDeploymentView(ctx, row), ...outcome };
}

/**
 * After devices changed (tags, registration, name): dynamic groups are evaluated again and every
 * device that joined a group gets its winning group deployment. Devices that only left keep what
 * they run.
 */
export async function followGroups(ctx: ServiceContext, deviceIds: readonly string[], actor?: string): Promise<GroupApplyOutcome> {
  const joined = refreshMembership(ctx, deviceIds);
  return applyGroupDeployments(ctx, [...joined], actor);
}

export interface CompletedGroupRollout {
  id: string;
  groupId: string;
  projectId: string;
  projectVersion: number;
  priority: number;
  /** Every device the rollout targeted, and the deployments of those that succeeded. */
  targets: readonly string[];
  succeeded: readonly string[];
}

/**
 * A rollout over a group that completed becomes the group's current deployment, so that devices
 * joining later get its version and not the one before it. The devices that succeeded follow it
 * already (their rollout deployments now carry its id); members that joined while it rolled get
 * it now; targets that failed keep what they rolled back to.
 */
export async function adoptCompletedRollout(ctx: ServiceContext, r: CompletedGroupRollout): Promise<GroupApplyOutcome & { groupDeploymentId: string }> {
  const actor = `rollout:${r.id}`;
  // Once per rollout, even when a tick that adopted it failed after this (it is tried again).
  const made = ctx.db.select({ id: groupDeployments.id }).from(groupDeployments).where(and(eq(groupDeployments.groupId, r.groupId), eq(groupDeployments.createdBy, actor))).get();
  const id = made?.id ?? newId("gdp");
  ctx.handle.sqlite.transaction(() => {
    if (!made) ctx.db.insert(groupDeployments).values({ id, groupId: r.groupId, projectId: r.projectId, projectVersion: r.projectVersion, priority: r.priority, createdBy: actor }).run();
    if (r.succeeded.length > 0) ctx.db.update(deployments).set({ groupDeploymentId: id }).where(inArray(deployments.id, [...r.succeeded])).run();
  })();
  const targets = new Set(r.targets);
  const joined = resolveGroupDevices(ctx, r.groupId).filter((d) => !targets.has(d));
  return { groupDeploymentId: id, ...(await applyGroupDeployments(ctx, joined, actor)) };
}

