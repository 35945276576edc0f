import { json, route } from "@/server/http/route";
import { getPerson, removePerson } from "@/server/services/people";

export const dynamic = "force-dynamic";

type P = { name: string };

export const GET = route<P>("viewer", async ({ ctx, params }) => json({ person: getPerson(ctx, params.name) }));

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  await removePerson(ctx, params.name);
  return new Response(null, { status: 204 });
});
