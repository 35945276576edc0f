import { readJson, readQuery } from "@/server/http/body";
import { json, route } from "@/server/http/route";
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
export const POST = route("admin", async ({ req, ctx }) => json(await registerDevice(ctx, await readJson(req, NewDeviceSchema)), 201));
