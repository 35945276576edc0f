import { readJson } from "@/server/http/body";
import { PinInputSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { pinDevice, unpinDevice } from "@/server/services/device-pin";

export const dynamic = "force-dynamic";

type P = { id: string };

export const PUT = route<P>("admin", async ({ req, ctx, params, user }) => {
  const { projectId, version } = await readJson(req, PinInputSchema);
  return json(await pinDevice(ctx, params.id, projectId ? { project: projectId, ...(version ? { version } : {}) } : undefined, user.email));
});

export const DELETE = route<P>("admin", async ({ ctx, params, user }) => json(await unpinDevice(ctx, params.id, user.email)));
