/** API tokens: `elt_<random>`, shown once, stored as a sha256 digest (looked up per request). */
import { and, desc, eq, isNull } from "drizzle-orm";
import { apiTokens, digestToken, generateSecret, users } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import type { UserView } from "./users";

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const TOKEN_PREFIX = "elt_";
/** lastUsedAt is a hint for the tokens page; writing it on every request would contend with the broker. */
const LAST_USED_RESOLUTION_MS = 60_000;

type TokenRow = typeof apiTokens.$inferSelect;

function view(row: TokenRow): ApiTokenView {
  return { id: row.id, name: row.name, prefix: row.prefix, userId: row.userId, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

export function createApiToken(ctx: ServiceContext, userId: string, name: string): { token: ApiTokenView; secret: string } {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 128) throw new EdgelensError("INVALID_PAYLOAD", "name: must be 1-128 characters");
  if (!ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get()) {
    throw new EdgelensError("NOT_FOUND", `no user ${userId}`, { userId });
  }
  const secret = `${TOKEN_PREFIX}${generateSecret(32)}`;
  const created = ctx.db
    .insert(apiTokens)
    .values({ id: newId("tok"), userId, name: trimmed, tokenHash: digestToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) })
    .returning()
    .get();
  return { token: view(created), secret };
}

export function listApiTokens(ctx: ServiceContext, userId?: string): ApiTokenView[] {
  const q = ctx.db.select().from(apiTokens);
  return (userId ? q.where(eq(apiTokens.userId, userId)) : q).orderBy(desc(apiTokens.createdAt)).all().map(view);
}

/** Revokes a token; with `userId`, only that user's own token (NOT_FOUND otherwise). */
export function revokeApiToken(ctx: ServiceContext, id: string, userId?: string): ApiTokenView {
  const where = userId ? and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)) : eq(apiTokens.id, id);
  const found = ctx.db.select().from(apiTokens).where(where).get();
  if (!found) throw new EdgelensError("NOT_FOUND", `no API token ${id}`, { tokenId: id });
  if (found.revokedAt !== null) return view(found);
  return view(ctx.db.update(apiTokens).set({ revokedAt: Date.now() }).where(eq(apiTokens.id, id)).returning().get()!);
}

export function authenticateApiToken(ctx: ServiceContext, secret: string): UserView | null {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const found = ctx.db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, digestToken(secret)), isNull(apiTokens.revokedAt)))
    .get();
  if (!found) return null;
  const now = Date.now();
  if (found.token.lastUsedAt === null || now - found.token.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.token.id)).run();
  }
  const u = found.user;
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt };
}
