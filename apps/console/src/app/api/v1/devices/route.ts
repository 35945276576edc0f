import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { listDevices, NewDeviceSchema, registerDevice } from "@/server/services/devices";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ devices: listDevices(ctx) }));

/** The response holds the device file with the secret: the only time it is shown. */
export const POST = route("admin", async ({ req, ctx }) => json(await registerDevice(ctx, await readJson(req, NewDeviceSchema)), 201));
