import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { createGroup, listGroups, NewGroupSchema } from "@/server/services/groups";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ groups: listGroups(ctx) }));

/** A static group (`devices`) or a dynamic one (`query`); a query that does not parse is 400 naming the column. */
export const POST = route("admin", async ({ req, ctx, user }) => json({ group: createGroup(ctx, await readJson(req, NewGroupSchema), user.email) }, 201));
