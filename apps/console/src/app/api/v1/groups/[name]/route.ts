import { json, route } from "@/server/http/route";
import { deleteGroup, groupDetail } from "@/server/services/groups";

export const dynamic = "force-dynamic";

type P = { name: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json(groupDetail(ctx, params.name)));

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  deleteGroup(ctx, params.name);
  return new Response(null, { status: 204 });
});
