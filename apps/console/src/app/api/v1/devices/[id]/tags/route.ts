import { readJson } from "@/server/http/body";
import { DeviceTagChangeSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { changeDeviceTags } from "@/server/services/device-tags";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>("admin", async ({ req, ctx, params, user }) => {
  const { set, remove } = await readJson(req, DeviceTagChangeSchema);
  const out = await changeDeviceTags(ctx, { deviceIds: [params.id], set, remove }, user.email);
  return json({ device: out.devices[0], deployments: out.deployments });
});
