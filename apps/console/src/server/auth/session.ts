/**
 * Console sessions: an iron-session sealed cookie holding the user id. The user is re-read on
 * every request so a deleted user or a changed role takes effect at once.
 */
import { createHmac } from "node:crypto";
import { getIronSession, type SessionOptions } from "iron-session";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { EdgelensError, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { getContext } from "../get-context";
import { authenticateUser, getUser, type UserView } from "../services/users";
import { PATH_HEADER } from "./path-header";

export type SessionUser = Pick<UserView, "id" | "email" | "name" | "role">;

interface SessionData {
  userId?: string;
}

export const SESSION_COOKIE = "edgelens_session";
const SESSION_TTL_SEC = 7 * 24 * 3600;

/** The cookie key derives from EDGELENS_SECRET: rotating the secret signs everyone out. */
export function sessionOptions(ctx: ServiceContext): SessionOptions {
  return {
    cookieName: SESSION_COOKIE,
    password: createHmac("sha256", ctx.secret).update("edgelens console session v1").digest("hex"),
    ttl: SESSION_TTL_SEC,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: ctx.config.cookieSecure, path: "/" },
  };
}

async function session(ctx: ServiceContext) {
  return getIronSession<SessionData>(await cookies(), sessionOptions(ctx));
}

function toSessionUser(u: UserView): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export function hasRole(user: SessionUser, role: Role | undefined): boolean {
  return role !== "admin" || user.role === "admin";
}

export async function getSessionUser(): Promise<SessionUser | null> {
  const ctx = await getContext();
  const s = await session(ctx);
  if (!s.userId) return null;
  try {
    return toSessionUser(getUser(ctx, s.userId));
  } catch {
    // The user was deleted: the cookie no longer means anyone.
    return null;
  }
}

/** For server actions and route handlers: throws UNAUTHORIZED / FORBIDDEN. */
export async function requireUser(role?: Role): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new EdgelensError("UNAUTHORIZED", "sign in first");
  if (!hasRole(user, role)) throw new EdgelensError("FORBIDDEN", `this needs the ${role} role; ${user.email} is ${user.role}`);
  return user;
}

/** For pages and layouts: a signed-out visitor is sent to /login and back afterwards. */
export async function requirePageUser(role?: Role): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) {
    const back = (await headers()).get(PATH_HEADER) ?? "/";
    redirect(`/login?next=${encodeURIComponent(back)}`);
  }
  if (!hasRole(user, role)) throw new EdgelensError("FORBIDDEN", `this page needs the ${role} role; ${user.email} is ${user.role}`);
  return user;
}

/** Checks the password and, when it matches, sets the session cookie. */
export async function signIn(email: string, password: string): Promise<SessionUser | null> {
  const ctx = await getContext();
  const user = await authenticateUser(ctx, email, password);
  if (!user) return null;
  const s = await session(ctx);
  s.userId = user.id;
  await s.save();
  return toSessionUser(user);
}

export async function signOut(): Promise<void> {
  const ctx = await getContext();
  (await session(ctx)).destroy();
}
