import { readJson } from "@/server/http/body";
import { UserUpdateSchema } from "@/server/http/api-schemas";
import { json, noContent, route } from "@/server/http/route";
import { changePassword, deleteUser, getUser, updateUserRole } from "@/server/services/users";

export const dynamic = "force-dynamic";

type P = { id: string };

export const PATCH = route<P>("admin", async ({ req, ctx, params }) => {
  const { role, password } = await readJson(req, UserUpdateSchema);
  if (password) await changePassword(ctx, params.id, password);
  return json({ user: role ? updateUserRole(ctx, params.id, role) : getUser(ctx, params.id) });
});

export const DELETE = route<P>("admin", async ({ ctx, params }) => {
  deleteUser(ctx, params.id);
  return noContent();
});
