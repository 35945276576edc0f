/**
 * Who is in a group now. A static group's members are its list; a dynamic group's are what its
 * query matches, written to group_members whenever tags, devices or groups change, so that a
 * device joining is a visible event (it then gets the group's deployment, group-deployments.ts).
 * A rollout to a group takes its members here too, less the pinned ones (`rolloutGroupTargets`).
 */
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { deviceGroups, devices, groupMembers } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { tagsOf } from "./devices";
import { compileGroupQuery, type QueryDevice } from "./group-query";

type GroupRow = typeof deviceGroups.$inferSelect;

/** By name (or id); NOT_FOUND names the group. */
export function groupRow(ctx: ServiceContext, nameOrId: string): GroupRow {
  const row = ctx.db.select().from(deviceGroups).where(eq(deviceGroups.name, nameOrId)).get() ?? ctx.db.select().from(deviceGroups).where(eq(deviceGroups.id, nameOrId)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no device group ${nameOrId}`, { group: nameOrId });
  return row;
}

function queryDevices(ctx: ServiceContext, deviceIds?: readonly string[]): QueryDevice[] {
  if (deviceIds?.length === 0) return [];
  const rows = ctx.db
    .select({ id: devices.id, name: devices.name, agentVersion: devices.agentVersion, registration: devices.registration })
    .from(devices)
    .where(deviceIds ? inArray(devices.id, [...deviceIds]) : undefined)
    .all();
  const tags = tagsOf(ctx, deviceIds);
  return rows.map((d) => ({ ...d, tags: tags.get(d.id) ?? {} }));
}

function memberIds(ctx: ServiceContext, groupId: string): string[] {
  return ctx.db
    .select({ deviceId: groupMembers.deviceId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId))
    .orderBy(asc(groupMembers.deviceId))
    .all()
    .map((r) => r.deviceId);
}

/**
 * Evaluates a dynamic group's query on the given devices (all when absent) and writes who joined
 * and who left. Returns the devices that joined. A static group does not change here.
 */
export function refreshGroup(ctx: ServiceContext, group: GroupRow, deviceIds?: readonly string[], candidates = queryDevices(ctx, deviceIds)): string[] {
  if (group.query === null) return [];
  const matches = compileGroupQuery(group.query);
  const scope = deviceIds ? and(eq(groupMembers.groupId, group.id), inArray(groupMembers.deviceId, [...deviceIds])) : eq(groupMembers.groupId, group.id);
  const before = new Set(ctx.db.select({ deviceId: groupMembers.deviceId }).from(groupMembers).where(scope).all().map((r) => r.deviceId));
  const now = new Set(candidates.filter(matches).map((d) => d.id));
  const joined = [...now].filter((id) => !before.has(id));
  const left = [...before].filter((id) => !now.has(id));
  ctx.handle.sqlite.transaction(() => {
    const at = Date.now();
    for (const deviceId of joined) ctx.db.insert(groupMembers).values({ groupId: group.id, deviceId, joinedAt: at }).run();
    if (left.length > 0) ctx.db.delete(groupMembers).where(and(eq(groupMembers.groupId, group.id), inArray(groupMembers.deviceId, left))).run();
  })();
  return joined;
}

/** Re-evaluates every dynamic group on the given devices (tags changed, registered, renamed); returns who joined any group. */
export function refreshMembership(ctx: ServiceContext, deviceIds?: readonly string[]): Set<string> {
  const candidates = queryDevices(ctx, deviceIds);
  const joined = new Set<string>();
  for (const group of ctx.db.select().from(deviceGroups).all()) {
    for (const id of refreshGroup(ctx, group, deviceIds, candidates)) joined.add(id);
  }
  return joined;
}

/** The group's devices now (a dynamic query is evaluated first), by id. NOT_FOUND for an unknown group. */
export function resolveGroupDevices(ctx: ServiceContext, nameOrId: string): string[] {
  const group = groupRow(ctx, nameOrId);
  refreshGroup(ctx, group);
  return memberIds(ctx, group.id);
}

/** A rollout's devices from a group: its members now, less the pinned ones (listed apart). */
export function rolloutGroupTargets(ctx: ServiceContext, nameOrId: string): { deviceIds: string[]; pinned: string[] } {
  const members = resolveGroupDevices(ctx, nameOrId);
  if (members.length === 0) return { deviceIds: [], pinned: [] };
  const pinned = new Set(
    ctx.db
      .select({ id: devices.id })
      .from(devices)
      .where(and(inArray(devices.id, members), isNotNull(devices.pinnedAt)))
      .all()
      .map((r) => r.id),
  );
  return { deviceIds: members.filter((id) => !pinned.has(id)), pinned: members.filter((id) => pinned.has(id)) };
}

/** The groups a device is in now, as rows. */
export function groupsOfDevice(ctx: ServiceContext, deviceId: string): GroupRow[] {
  return ctx.db
    .select({ g: deviceGroups })
    .from(groupMembers)
    .innerJoin(deviceGroups, eq(deviceGroups.id, groupMembers.groupId))
    .where(eq(groupMembers.deviceId, deviceId))
    .orderBy(asc(deviceGroups.name))
    .all()
    .map((r) => r.g);
}
