import { readJson } from "@/server/http/body";
import { RenameDeviceSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { followGroups } from "@/server/services/group-deployments";
import { deregisterDevice, getDevice, renameDevice } from "@/server/services/devices";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ device: getDevice(ctx, params.id) }));

export const PATCH = route<P>("admin", async ({ req, ctx, params, user }) => {
  const { name } = await readJson(req, RenameDeviceSchema);
  renameDevice(ctx, params.id, name);
  // Queries may name the device's name: it can join a group, and gets its deployment then.
  await followGroups(ctx, [params.id], user.email);
  return json({ device: getDevice(ctx, params.id) });
});

export const DELETE = route<P>("admin", async ({ ctx, params }) => json(await deregisterDevice(ctx, params.id)));
