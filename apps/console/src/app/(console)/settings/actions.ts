"use server";

import { revalidatePath } from "next/cache";
import { EdgelensError } from "@edgelens/shared/errors";
import { RoleSchema } from "@edgelens/shared/schemas";
import { requireUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { createApiToken, revokeApiToken } from "@/server/services/tokens";
import { createUser, deleteUser, updateUserRole } from "@/server/services/users";
import { formText, runAction, type ActionResult } from "../../_shared/action-result";

/** Any user may hold API tokens; they act with that user's role. */
export async function createTokenAction(_prev: ActionResult<{ secret: string; name: string }> | null, form: FormData): Promise<ActionResult<{ secret: string; name: string }>> {
  return runAction(async () => {
    const user = await requireUser();
    const { token, secret } = createApiToken(await getContext(), user.id, formText(form, "name"));
    revalidatePath("/settings");
    return { secret, name: token.name };
  });
}

export async function revokeTokenAction(id: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const user = await requireUser();
    // Admins may revoke anyone's token; others only their own.
    revokeApiToken(await getContext(), id, user.role === "admin" ? undefined : user.id);
    revalidatePath("/settings");
    return null;
  });
}

export async function createUserAction(_prev: ActionResult<{ email: string }> | null, form: FormData): Promise<ActionResult<{ email: string }>> {
  return runAction(async () => {
    await requireUser("admin");
    const name = formText(form, "name");
    const created = await createUser(await getContext(), {
      email: formText(form, "email"),
      password: typeof form.get("password") === "string" ? String(form.get("password")) : "",
      role: RoleSchema.parse(formText(form, "role")),
      ...(name ? { name } : {}),
    });
    revalidatePath("/settings");
    return { email: created.email };
  });
}

export async function updateUserRoleAction(id: string, role: "admin" | "viewer"): Promise<ActionResult<null>> {
  return runAction(async () => {
    await requireUser("admin");
    updateUserRole(await getContext(), id, RoleSchema.parse(role));
    revalidatePath("/settings");
    return null;
  });
}

export async function deleteUserAction(id: string): Promise<ActionResult<null>> {
  return runAction(async () => {
    const me = await requireUser("admin");
    if (me.id === id) throw new EdgelensError("CONFLICT", "You cannot delete yourself; ask another admin.", { userId: id });
    deleteUser(await getContext(), id);
    revalidatePath("/settings");
    return null;
  });
}
