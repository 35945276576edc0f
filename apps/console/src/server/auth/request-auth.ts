/** Who is calling an API route: a session cookie or `Authorization: Bearer <api token>`. */
import { EdgelensError, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { authenticateApiToken } from "../services/tokens";
import { getSessionUser, hasRole, type SessionUser } from "./session";

export function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

export async function authenticateRequest(ctx: ServiceContext, req: Request): Promise<SessionUser | null> {
  const token = bearerToken(req);
  if (token) {
    const user = authenticateApiToken(ctx, token);
    return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
  }
  return getSessionUser();
}

export async function requireRequestUser(ctx: ServiceContext, req: Request, role?: Role): Promise<SessionUser> {
  const user = await authenticateRequest(ctx, req);
  if (!user) {
    const why = bearerToken(req) ? "the API token is unknown or revoked" : "sign in or send Authorization: Bearer <api token>";
    throw new EdgelensError("UNAUTHORIZED", why);
  }
  if (!hasRole(user, role)) throw new EdgelensError("FORBIDDEN", `this needs the ${role} role; ${user.email} is ${user.role}`);
  return user;
}
