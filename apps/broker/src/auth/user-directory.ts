import { eq, sql } from "drizzle-orm";
import { users, type EdgelensDb } from "@edgelens/db";
import type { Role } from "@edgelens/shared";

/** A console user as the broker checks an MQTT token against it. */
export interface UserRow {
  role: Role;
  authVersion: number;
}

/** What a token claims about its user: `ver` absent on the console's own service tokens. */
export interface UserClaims {
  sub: string;
  role: Role;
  ver?: number | undefined;
}

export type UserCheck = { ok: true } | { ok: false; reason: "user-deleted" | "role-changed" | "token-revoked" };

/**
 * The users table as the broker reads it on every user CONNECT and whenever the console wrote
 * to the database. A token signed for a user (it carries `ver`) holds only while that user
 * exists with the same role and auth version; a token without `ver` is a service token (the
 * console's own client) and is refused when its subject names a real user.
 */
export class UserDirectory {
  private readonly byId;

  constructor(db: EdgelensDb) {
    this.byId = db
      .select({ role: users.role, authVersion: users.authVersion })
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare();
  }

  find(id: string): UserRow | undefined {
    return this.byId.get({ id });
  }

  check(claims: UserClaims): UserCheck {
    const row = this.find(claims.sub);
    if (!row) return claims.ver === undefined ? { ok: true } : { ok: false, reason: "user-deleted" };
    if (claims.ver === undefined || claims.ver !== row.authVersion) return { ok: false, reason: "token-revoked" };
    if (claims.role !== row.role) return { ok: false, reason: "role-changed" };
    return { ok: true };
  }
}
