import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { createUser, listUsers, NewUserSchema } from "@/server/services/users";

export const dynamic = "force-dynamic";

export const GET = route("admin", async ({ ctx }) => json({ users: listUsers(ctx) }));

export const POST = route("admin", async ({ req, ctx }) => json({ user: await createUser(ctx, await readJson(req, NewUserSchema)) }, 201));
