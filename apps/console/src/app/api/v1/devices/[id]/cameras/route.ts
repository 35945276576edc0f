import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { addCamera, listCameras, NewCameraSchema } from "@/server/services/cameras";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ cameras: listCameras(ctx, params.id) }));

export const POST = route<P>("admin", async ({ req, ctx, params }) => {
  const camera = await readJson(req, NewCameraSchema);
  return json({ camera: await addCamera(ctx, params.id, camera) }, 201);
});
