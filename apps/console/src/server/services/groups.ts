/**
 * Device groups (docs/design.md "Device groups"): a static list of devices, or a dynamic query
 * over tags and device fields. Members are kept in group_members (see group-members.ts).
 */
import { asc, count, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { deviceGroups, devices, groupMembers } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { compileGroupQuery } from "./group-query";
import { devicesByIds, type DeviceView } from "./devices";
import { listGroupDeployments, type GroupDeploymentView } from "./group-deployments";
import { groupRow, refreshGroup, resolveGroupDevices } from "./group-members";

export const GroupNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");

export const NewGroupSchema = z
  .object({
    name: GroupNameSchema,
    devices: z.array(z.string().min(1)).min(1, "devices: name at least one device").max(10_000).optional().describe("a static group: these devices"),
    query: z.string().trim().min(1).max(2000).optional().describe("a dynamic group: an expression over tags and device fields, e.g. site = 'berlin' AND floor IN ('1','2')"),
  })
  .strict()
  .refine((g) => (g.devices === undefined) !== (g.query === undefined), { message: "give either devices (a static group) or query (a dynamic group)", path: ["devices"] });

export interface GroupView {
  id: string;
  name: string;
  /** Absent for a static group. */
  query?: string;
  members: number;
  createdAt: number;
}

type GroupRow = typeof deviceGroups.$inferSelect;

function view(row: GroupRow, members: number): GroupView {
  return { id: row.id, name: row.name, ...(row.query !== null ? { query: row.query } : {}), members, createdAt: row.createdAt };
}

function memberCount(ctx: ServiceContext, groupId: string): number {
  return ctx.db.select({ n: count() }).from(groupMembers).where(eq(groupMembers.groupId, groupId)).get()?.n ?? 0;
}

export function listGroups(ctx: ServiceContext): GroupView[] {
  const counts = new Map(
    ctx.db
      .select({ groupId: groupMembers.groupId, n: count() })
      .from(groupMembers)
      .groupBy(groupMembers.groupId)
      .all()
      .map((r) => [r.groupId, r.n]),
  );
  return ctx.db
    .select()
    .from(deviceGroups)
    .orderBy(asc(deviceGroups.name))
    .all()
    .map((g) => view(g, counts.get(g.id) ?? 0));
}

export function getGroup(ctx: ServiceContext, nameOrId: string): GroupView {
  const row = groupRow(ctx, nameOrId);
  return view(row, memberCount(ctx, row.id));
}

/** A static group's devices must exist; a dynamic group's query must parse (the error names the column). */
export function createGroup(ctx: ServiceContext, input: z.input<typeof NewGroupSchema>, actor?: string): GroupView {
  const g = NewGroupSchema.parse(input);
  if (ctx.db.select({ id: deviceGroups.id }).from(deviceGroups).where(eq(deviceGroups.name, g.name)).get()) {
    throw new EdgelensError("CONFLICT", `device group ${g.name} exists`, { group: g.name });
  }
  if (g.query !== undefined) compileGroupQuery(g.query);
  const listed = [...new Set(g.devices ?? [])];
  if (listed.length > 0) {
    const known = new Set(ctx.db.select({ id: devices.id }).from(devices).where(inArray(devices.id, listed)).all().map((d) => d.id));
    const unknown = listed.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new EdgelensError("NOT_FOUND", `no device ${unknown.join(", ")} (group ${g.name} not created)`, { deviceId: unknown[0], group: g.name });
  }
  const id = newId("grp");
  ctx.handle.sqlite.transaction(() => {
    ctx.db.insert(deviceGroups).values({ id, name: g.name, query: g.query ?? null, createdBy: actor ?? null }).run();
    const now = Date.now();
    for (const deviceId of listed) ctx.db.insert(groupMembers).values({ groupId: id, deviceId, joinedAt: now }).run();
  })();
  if (g.query !== undefined) refreshGroup(ctx, groupRow(ctx, id));
  return getGroup(ctx, id);
}

/** The group and its deployment history go; devices keep what they run. */
export function deleteGroup(ctx: ServiceContext, nameOrId: string): void {
  const row = groupRow(ctx, nameOrId);
  ctx.db.delete(deviceGroups).where(eq(deviceGroups.id, row.id)).run();
}

export interface GroupDetail {
  group: GroupView;
  /** Members now, with presence and what they run (one page of them when a page was asked for). */
  devices: DeviceView[];
  /** Members in all. */
  total: number;
  /** The group's deployments, newest (current) first. */
  deployments: GroupDeploymentView[];
}

/** The group page: members now (a query is evaluated first) and the group's deployments. */
export function groupDetail(ctx: ServiceContext, nameOrId: string, page?: { limit: number; offset: number }): GroupDetail {
  const ids = resolveGroupDevices(ctx, nameOrId);
  const group = getGroup(ctx, nameOrId);
  const shown = page ? ids.slice(page.offset, page.offset + page.limit) : ids;
  return { group, devices: devicesByIds(ctx, shown), total: ids.length, deployments: listGroupDeployments(ctx, group.id) };
}
