"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { EdgelensError } from "@edgelens/shared/errors";
import { clientAddress, throttleSignIn } from "@/server/auth/login-throttle";
import { signIn } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { createFirstAdmin } from "@/server/services/first-admin";
import { formText, runAction, type ActionResult } from "../_shared/action-result";
import { safeNextPath } from "./safe-next";

export async function signInAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const email = formText(form, "email");
  const password = typeof form.get("password") === "string" ? String(form.get("password")) : "";
  const result = await runAction(async () => {
    if (!email || !password) throw new EdgelensError("INVALID_PAYLOAD", "Enter your email and password.");
    const user = await throttleSignIn(email, clientAddress(await headers()), () => signIn(email, password));
    if (!user) throw new EdgelensError("UNAUTHORIZED", "Wrong email or password.");
  });
  if (!result.ok) return result;
  redirect(safeNextPath(form.get("next")));
}

/**
 * First start only (no user, no EDGELENS_ADMIN_PASSWORD): whoever reaches the console creates the
 * admin, once. createFirstAdmin validates the form with zod and refuses once any user exists.
 */
export async function createFirstAdminAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const name = formText(form, "name");
  const input = {
    email: formText(form, "email"),
    password: typeof form.get("password") === "string" ? String(form.get("password")) : "",
    confirm: typeof form.get("confirm") === "string" ? String(form.get("confirm")) : "",
    ...(name ? { name } : {}),
  };
  const result = await runAction(async () => {
    const admin = await createFirstAdmin(await getContext(), input);
    const user = await signIn(admin.email, input.password);
    if (!user) throw new EdgelensError("INTERNAL", "The admin was created but signing in failed; sign in below.");
  });
  if (!result.ok) return result;
  redirect("/");
}
