/**
 * The first admin of a fresh console. Headless installs, CI and `pnpm dev` set
 * EDGELENS_ADMIN_PASSWORD and get the admin at start; otherwise the console starts with no user
 * and `/login` offers a "Create the admin" form until someone has used it once.
 */
import { count } from "drizzle-orm";
import { z } from "zod";
import { hashSecret, settings, users } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { getUser, PasswordSchema, type UserView } from "./users";

const BOOTSTRAP_KEY = "bootstrap.first-admin";

export type FirstAdminStart =
  /** Created now from EDGELENS_ADMIN_EMAIL/PASSWORD. */
  | { kind: "created"; email: string }
  /** A user exists already: nothing to do. */
  | { kind: "exists" }
  /** No user and no password configured: `/login` shows the form. */
  | { kind: "form" };

export const FirstAdminSchema = z
  .object({
    email: z.email().transform((e) => e.toLowerCase()),
    name: z.string().trim().min(1).max(128).optional(),
    password: PasswordSchema,
    confirm: z.string(),
  })
  .strict()
  .refine((v) => v.password === v.confirm, { message: "the two passwords differ", path: ["confirm"] });
export type FirstAdminInput = z.input<typeof FirstAdminSchema>;

/** True while the console has no user at all (the only time the form may show). */
export function needsFirstAdmin(ctx: ServiceContext): boolean {
  return (ctx.db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

/**
 * Inserts the admin only if no user exists, in one IMMEDIATE transaction: the write lock is taken
 * before the check, so a second submit, a second server process or the CLI racing this one
 * cannot both see an empty table. Returns null when a user existed.
 */
function insertIfNoUser(ctx: ServiceContext, admin: { email: string; name: string | null; passwordHash: string }): string | null {
  return ctx.handle.sqlite
    .transaction(() => {
      if (!needsFirstAdmin(ctx)) return null;
      const id = newId("usr");
      ctx.db.insert(users).values({ id, email: admin.email, name: admin.name, role: "admin", passwordHash: admin.passwordHash }).run();
      ctx.db.insert(settings).values({ key: BOOTSTRAP_KEY, value: String(Date.now()) }).onConflictDoNothing().run();
      return id;
    })
    .immediate();
}

/** At server start: creates the admin when EDGELENS_ADMIN_PASSWORD is set and no user exists. */
export async function ensureFirstAdmin(ctx: ServiceContext): Promise<FirstAdminStart> {
  if (!needsFirstAdmin(ctx)) return { kind: "exists" };
  if (!ctx.config.adminPassword) return { kind: "form" };
  const email = ctx.config.adminEmail.toLowerCase();
  const id = insertIfNoUser(ctx, { email, name: "Administrator", passwordHash: await hashSecret(ctx.config.adminPassword) });
  return id ? { kind: "created", email } : { kind: "exists" };
}

/** The "Create the admin" form: CONFLICT once any user exists, whoever created it. */
export async function createFirstAdmin(ctx: ServiceContext, input: FirstAdminInput): Promise<UserView> {
  const data = FirstAdminSchema.parse(input);
  const conflict = () => new EdgelensError("CONFLICT", "an admin already exists; sign in instead");
  // Checked before the slow password hash too, so a late second submit fails at once.
  if (!needsFirstAdmin(ctx)) throw conflict();
  const id = insertIfNoUser(ctx, { email: data.email, name: data.name ?? null, passwordHash: await hashSecret(data.password) });
  if (!id) throw conflict();
  return getUser(ctx, id);
}

