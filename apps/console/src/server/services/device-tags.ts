/**
 * Device tags (`key=value`): set and removed on one device or many at once. Dynamic groups
 * query them, so a change is followed by group membership and, for devices that joined a
 * group, that group's deployment (group-deployments.ts).
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { devices, deviceTags } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { getDevice, type DeviceView } from "./devices";
import { followGroups, type GroupApplyOutcome } from "./group-deployments";
import { DEVICE_QUERY_FIELDS } from "./group-query";

const RESERVED: ReadonlySet<string> = new Set(DEVICE_QUERY_FIELDS);

export const TagKeySchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "tag key: 1-64 letters, digits, '_', '.' or '-', starting with a letter or '_'")
  .refine((k) => !RESERVED.has(k), { message: `tag key: ${DEVICE_QUERY_FIELDS.join(", ")} name device fields in group queries` });

export const TagValueSchema = z.string().min(1, "tag value: not empty").max(256);

export const TagChangeSchema = z
  .object({
    deviceIds: z.array(z.string().min(1)).min(1, "deviceIds: name at least one device").max(10_000),
    set: z.record(TagKeySchema, TagValueSchema).default({}),
    remove: z.array(TagKeySchema).default([]),
  })
  .strict()
  .refine((c) => Object.keys(c.set).length + c.remove.length > 0, { message: "set or remove at least one tag", path: ["set"] });

/** `key=value` (CLI arguments); the value may hold `=`. */
export function parseTagAssignment(text: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new EdgelensError("INVALID_PAYLOAD", `tag ${JSON.stringify(text)}: write key=value`, { tag: text });
  return [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Sets and removes tags on every listed device (all or none: an unknown device changes nothing),
 * then lets the devices follow their groups. Returns the devices as they are now.
 */
export async function changeDeviceTags(ctx: ServiceContext, input: z.input<typeof TagChangeSchema>, actor?: string): Promise<GroupApplyOutcome & { devices: DeviceView[] }> {
  const change = TagChangeSchema.parse(input);
  const ids = [...new Set(change.deviceIds)];
  const known = new Set(ctx.db.select({ id: devices.id }).from(devices).where(inArray(devices.id, ids)).all().map((d) => d.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new EdgelensError("NOT_FOUND", `no device ${unknown.join(", ")} (no tags changed)`, { deviceId: unknown[0] });
  ctx.handle.sqlite.transaction(() => {
    for (const deviceId of ids) {
      if (change.remove.length > 0) ctx.db.delete(deviceTags).where(and(eq(deviceTags.deviceId, deviceId), inArray(deviceTags.key, change.remove))).run();
      for (const [key, value] of Object.entries(change.set)) {
        ctx.db.insert(deviceTags).values({ deviceId, key, value }).onConflictDoUpdate({ target: [deviceTags.deviceId, deviceTags.key], set: { value } }).run();
      }
    }
  })();
  const outcome = await followGroups(ctx, ids, actor);
  return { ...outcome, devices: ids.map((id) => getDevice(ctx, id)) };
}
