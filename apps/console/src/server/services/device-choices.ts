import { asc, count } from "drizzle-orm";
import { devices } from "@edgelens/db";
import type { ServiceContext } from "../context";

/** Up to this many devices a filter offers a drop-down; a bigger fleet types the device id. */
export const DEVICE_CHOICES_MAX = 200;

export type DeviceChoices = { kind: "list"; devices: Array<{ id: string; name: string }> } | { kind: "type-id"; total: number };

/** What a device filter (events page) offers, without reading a whole fleet into the page. */
export function deviceChoices(ctx: ServiceContext): DeviceChoices {
  const total = ctx.db.select({ n: count() }).from(devices).get()?.n ?? 0;
  if (total > DEVICE_CHOICES_MAX) return { kind: "type-id", total };
  return { kind: "list", devices: ctx.db.select({ id: devices.id, name: devices.name }).from(devices).orderBy(asc(devices.id)).all() };
}
