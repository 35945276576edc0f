/** Console users: email + scrypt password, role admin or viewer. */
import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { generateSecret, hashSecret, users, verifySecret } from "@edgelens/db";
import { EdgelensError, RoleSchema, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { PasswordSchema } from "../auth/password-policy";
import { newId } from "../ids";

export interface UserView {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: number;
}

export { PasswordSchema };

export const NewUserSchema = z
  .object({
    email: z.email().transform((e) => e.toLowerCase()),
    password: PasswordSchema,
    role: RoleSchema.default("viewer"),
    name: z.string().min(1).max(128).optional(),
  })
  .strict();
export type NewUser = z.input<typeof NewUserSchema>;

type UserRow = typeof users.$inferSelect;

function view(row: UserRow): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt };
}

function row(ctx: ServiceContext, id: string): UserRow {
  const found = ctx.db.select().from(users).where(eq(users.id, id)).get();
  if (!found) throw new EdgelensError("NOT_FOUND", `no user ${id}`, { userId: id });
  return found;
}

export async function createUser(ctx: ServiceContext, input: NewUser): Promise<UserView> {
  const data = NewUserSchema.parse(input);
  if (ctx.db.select({ id: users.id }).from(users).where(eq(users.email, data.email)).get()) {
    throw new EdgelensError("CONFLICT", `a user with email ${data.email} exists`, { email: data.email });
  }
  const created = ctx.db
    .insert(users)
    .values({ id: newId("usr"), email: data.email, name: data.name ?? null, role: data.role, passwordHash: await hashSecret(data.password) })
    .returning()
    .get();
  return view(created);
}

/** A hash of nothing anyone knows, made once: unknown emails are checked against it. */
let decoyHash: Promise<string> | undefined;

/**
 * An unknown email costs the same scrypt as a known one, so the answer's timing does not tell
 * which emails have accounts.
 */
export async function authenticateUser(ctx: ServiceContext, email: string, password: string): Promise<UserView | null> {
  const found = ctx.db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!found) {
    decoyHash ??= hashSecret(generateSecret());
    await verifySecret(password, await decoyHash);
    return null;
  }
  return (await verifySecret(password, found.passwordHash)) ? view(found) : null;
}

export function listUsers(ctx: ServiceContext): UserView[] {
  return ctx.db.select().from(users).orderBy(asc(users.createdAt)).all().map(view);
}

export function getUser(ctx: ServiceContext, id: string): UserView {
  return view(row(ctx, id));
}

/**
 * The user with the auth version that session cookies and MQTT tokens are issued under; null
 * when the user is gone. A cookie or token of an older version no longer signs anyone in.
 */
export function findUserAuth(ctx: ServiceContext, id: string): { user: UserView; authVersion: number } | null {
  const found = ctx.db.select().from(users).where(eq(users.id, id)).get();
  return found ? { user: view(found), authVersion: found.authVersion } : null;
}

const nextAuthVersion = sql`${users.authVersion} + 1`;

/** Signs the user out everywhere: every session cookie and MQTT token issued so far stops working. */
export function revokeUserSessions(ctx: ServiceContext, id: string): void {
  ctx.db.update(users).set({ authVersion: nextAuthVersion }).where(eq(users.id, id)).run();
}

function adminCount(ctx: ServiceContext): number {
  return ctx.db.select({ n: count() }).from(users).where(eq(users.role, "admin")).get()?.n ?? 0;
}

export function updateUserRole(ctx: ServiceContext, id: string, role: Role): UserView {
  const current = row(ctx, id);
  if (current.role === "admin" && role !== "admin" && adminCount(ctx) <= 1) {
    throw new EdgelensError("CONFLICT", `${current.email} is the last admin; make another user admin first`, { userId: id });
  }
  if (current.role === role) return view(current);
  // Sessions and MQTT tokens carry the role they were issued with: a change revokes them.
  return view(ctx.db.update(users).set({ role: RoleSchema.parse(role), authVersion: nextAuthVersion }).where(eq(users.id, id)).returning().get()!);
}

export function deleteUser(ctx: ServiceContext, id: string): void {
  const current = row(ctx, id);
  if (current.role === "admin" && adminCount(ctx) <= 1) {
    throw new EdgelensError("CONFLICT", `${current.email} is the last admin and cannot be deleted`, { userId: id });
  }
  ctx.db.delete(users).where(eq(users.id, id)).run();
}

export async function changePassword(ctx: ServiceContext, id: string, password: string): Promise<void> {
  row(ctx, id);
  ctx.db
    .update(users)
    .set({ passwordHash: await hashSecret(PasswordSchema.parse(password)), authVersion: nextAuthVersion })
    .where(eq(users.id, id))
    .run();
}
