/**
 * Console sessions: an iron-session sealed cookie holding the user id and the user's auth version
 * at sign-in. The user is re-read on every request, so a deleted user, a changed role, a changed
 * password or a sign-out (each bumps the version) ends every saved cookie at once.
 */
import { createHmac } from "node:crypto";
import { getIronSession, type SessionOptions } from "iron-session";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { EdgelensError, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { getContext } from "../get-context";
import { authenticateUser, findUserAuth, revokeUserSessions, type UserView } from "../services/users";
import { PATH_HEADER } from "./path-header";

export type SessionUser = Pick<UserView, "id" | "email" | "name" | "role">;

interface SessionData {
  userId?: string;
  /** users.auth_version at sign-in. */
  ver?: number;
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
  const found = findUserAuth(ctx, s.userId);
  // Deleted, or signed out / password or role changed since: the cookie no longer means anyone.
  if (!found || found.authVersion !== s.ver) return null;
  return toSessionUser(found.user);
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
  s.ver = findUserAuth(ctx, user.id)?.authVersion ?? 0;
  await s.save();
  return toSessionUser(user);
}

export async function signOut(): Promise<void> {
  const ctx = await getContext();
  const s = await session(ctx);
  // Destroying the cookie alone would leave a saved copy of it valid: the version moves on.
  const found = s.userId ? findUserAuth(ctx, s.userId) : null;
  if (s.userId && found && found.authVersion === s.ver) revokeUserSessions(ctx, s.userId);
  s.destroy();
}
