import { json, noContent, route } from "@/server/http/route";
import { deleteModel, getModel } from "@/server/services/models";

export const dynamic = "force-dynamic";

type P = { id: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ model: getModel(ctx, params.id) }));

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  deleteModel(ctx, params.id);
  return noContent();
});
