import { readJson } from "@/server/http/body";
import { TokenCreateSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { createApiToken, listApiTokens } from "@/server/services/tokens";

export const dynamic = "force-dynamic";

/** Each user manages their own tokens; a token acts with its user's role. */
export const GET = route("viewer", async ({ ctx, user }) => json({ tokens: listApiTokens(ctx, user.id) }));

export const POST = route("viewer", async ({ req, ctx, user }) => {
  const { name } = await readJson(req, TokenCreateSchema);
  return json(createApiToken(ctx, user.id, name), 201);
});
