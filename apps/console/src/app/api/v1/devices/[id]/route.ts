import { readJson } from "@/server/http/body";
import { RenameDeviceSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { deregisterDevice, getDevice, renameDevice } from "@/server/services/devices";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ device: getDevice(ctx, params.id) }));

export const PATCH = route<P>("admin", async ({ req, ctx, params }) => {
  const { name } = await readJson(req, RenameDeviceSchema);
  return json({ device: renameDevice(ctx, params.id, name) });
});

export const DELETE = route<P>("admin", async ({ ctx, params }) => json(await deregisterDevice(ctx, params.id)));
