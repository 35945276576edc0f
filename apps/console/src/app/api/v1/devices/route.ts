import { readJson, readQuery } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { followGroups } from "@/server/services/group-deployments";
import { DeviceQuerySchema, listDevices, NewDeviceSchema, queryDevices, registerDevice } from "@/server/services/devices";

export const dynamic = "force-dynamic";

const PAGING_PARAMS = Object.keys(DeviceQuerySchema.shape);

/**
 * With any of q, presence, limit, offset: one page `{items, total, limit, offset}`. Without: every
 * device as `{devices}`, the documented shape from before paging, so existing clients keep working.
 */
export const GET = route("viewer", async ({ req, ctx }) => {
  const search = new URL(req.url).searchParams;
  if (!PAGING_PARAMS.some((name) => search.has(name))) return json({ devices: listDevices(ctx) });
  return json(queryDevices(ctx, readQuery(req, DeviceQuerySchema)));
});

/** The response holds the device file with the secret: the only time it is shown. */
export const POST = route("admin", async ({ req, ctx, user }) => {
  const registered = await registerDevice(ctx, await readJson(req, NewDeviceSchema));
  // A group whose query matches the new device deploys to it; a broker failure there must not
  // cost the device file, whose secret exists only in this response (the deployment shows failed).
  await followGroups(ctx, [registered.device.id], user.email).catch((err: unknown) => console.warn(`edgelens: groups of ${registered.device.id} not followed: ${(err as Error).message}`));
  return json(registered, 201);
});
