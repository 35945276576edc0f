import { json, route } from "@/server/http/route";
import { revokeApiToken } from "@/server/services/tokens";

export const dynamic = "force-dynamic";

/** Revokes one of the caller's tokens; admins may revoke anyone's. */
export const DELETE = route<{ id: string }>("viewer", async ({ ctx, user, params }) =>
  json({ token: revokeApiToken(ctx, params.id, user.role === "admin" ? undefined : user.id) }),
);
