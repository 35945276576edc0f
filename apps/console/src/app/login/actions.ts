"use server";

import { redirect } from "next/navigation";
import { EdgelensError } from "@edgelens/shared/errors";
import { signIn } from "@/server/auth/session";
import { getContext } from "@/server/context";
import { createUser, listUsers } from "@/server/services/users";
import { formText, runAction, type ActionResult } from "../_shared/action-result";
import { safeNextPath } from "./safe-next";

export async function signInAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const email = formText(form, "email");
  const password = typeof form.get("password") === "string" ? String(form.get("password")) : "";
  const result = await runAction(async () => {
    if (!email || !password) throw new EdgelensError("INVALID_PAYLOAD", "Enter your email and password.");
    const user = await signIn(email, password);
    if (!user) throw new EdgelensError("UNAUTHORIZED", "Wrong email or password.");
  });
  if (!result.ok) return result;
  redirect(safeNextPath(form.get("next")));
}

/** First start only: while no user exists, anyone who reaches the console creates the admin. */
export async function createFirstAdminAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const email = formText(form, "email");
  const name = formText(form, "name");
  const password = typeof form.get("password") === "string" ? String(form.get("password")) : "";
  const confirm = typeof form.get("confirm") === "string" ? String(form.get("confirm")) : "";
  const result = await runAction(async () => {
    const ctx = await getContext();
    if (listUsers(ctx).length > 0) throw new EdgelensError("CONFLICT", "An admin already exists; sign in instead.");
    if (password !== confirm) throw new EdgelensError("INVALID_PAYLOAD", "The two passwords differ.");
    await createUser(ctx, { email, password, role: "admin", ...(name ? { name } : {}) });
    const user = await signIn(email, password);
    if (!user) throw new EdgelensError("INTERNAL", "The admin was created but signing in failed; sign in below.");
  });
  if (!result.ok) return result;
  redirect("/");
}
