import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "../src/server/services/first-admin";
import { authenticateUser, changePassword, createUser, deleteUser, listUsers, updateUserRole } from "../src/server/services/users";
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from "../src/server/services/tokens";
import { tempContext, type TempContext } from "./support/temp-context";

describe("users and API tokens", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext({ EDGELENS_ADMIN_EMAIL: "root@example.com", EDGELENS_ADMIN_PASSWORD: "root-password-1" });
  });
  afterAll(async () => t.cleanup());

  it("bootstraps the first admin once from EDGELENS_ADMIN_PASSWORD", async () => {
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ kind: "created", email: "root@example.com" });
    expect(await authenticateUser(t.ctx, "ROOT@example.com", "root-password-1")).toMatchObject({ role: "admin" });
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ kind: "exists" });
  });

  it("creates users, refuses duplicates and short passwords, and checks passwords", async () => {
    const viewer = await createUser(t.ctx, { email: "Viewer@Example.com", password: "correct horse", role: "viewer" });
    expect(viewer).toMatchObject({ email: "viewer@example.com", role: "viewer" });
    await expect(createUser(t.ctx, { email: "viewer@example.com", password: "another one" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createUser(t.ctx, { email: "x@example.com", password: "short" })).rejects.toThrow(/at least 10/);
    expect(await authenticateUser(t.ctx, "viewer@example.com", "wrong password")).toBeNull();
    expect(await authenticateUser(t.ctx, "nobody@example.com", "correct horse")).toBeNull();
    await changePassword(t.ctx, viewer.id, "new password!");
    expect(await authenticateUser(t.ctx, "viewer@example.com", "new password!")).not.toBeNull();
  });

  it("never leaves the console without an admin", async () => {
    const admin = listUsers(t.ctx).find((u) => u.role === "admin")!;
    expect(() => updateUserRole(t.ctx, admin.id, "viewer")).toThrow(/last admin/);
    expect(() => deleteUser(t.ctx, admin.id)).toThrow(/last admin/);
  });

  it("issues tokens shown once, authenticates by digest, and revokes", async () => {
    const viewer = listUsers(t.ctx).find((u) => u.role === "viewer")!;
    const { token, secret } = createApiToken(t.ctx, viewer.id, "ci");
    expect(secret.startsWith("elt_")).toBe(true);
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(JSON.stringify(listApiTokens(t.ctx, viewer.id))).not.toContain(secret);
    expect(authenticateApiToken(t.ctx, secret)).toMatchObject({ id: viewer.id, role: "viewer" });
    expect(authenticateApiToken(t.ctx, `${secret}x`)).toBeNull();
    expect(listApiTokens(t.ctx, viewer.id)[0]?.lastUsedAt).not.toBeNull();
    expect(() => revokeApiToken(t.ctx, token.id, "usr_someone_else")).toThrow(/no API token/);
    expect(revokeApiToken(t.ctx, token.id, viewer.id).revokedAt).not.toBeNull();
    expect(authenticateApiToken(t.ctx, secret)).toBeNull();
  });
});
