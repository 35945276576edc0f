import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyConsoleToken } from "@edgelens/shared";
import { startConsoleFixture, ADMIN_EMAIL, type ConsoleFixture } from "./support/console-fixture";
import { ApiClient } from "./support/http-client";
import { TEST_SECRET } from "./support/temp-context";

describe("console auth: sessions, API tokens, roles, MQTT tokens", () => {
  let f: ConsoleFixture;
  let viewer: ApiClient;

  beforeAll(async () => {
    f = await startConsoleFixture("auth");
    const created = await f.admin.post("/api/v1/users", { email: "viewer@test.local", password: "viewer-password", role: "viewer" });
    expect(created.status).toBe(201);
    viewer = new ApiClient(f.server.url);
    expect((await viewer.post("/api/v1/session", { email: "viewer@test.local", password: "viewer-password" })).status).toBe(200);
  });
  afterAll(async () => f?.close());

  it("refuses anonymous API calls with a JSON 401", async () => {
    const res = await f.anonymous.get("/api/v1/devices");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.stringContaining("Bearer") } });
  });

  it("refuses a wrong password without setting a cookie", async () => {
    const c = new ApiClient(f.server.url);
    const res = await c.post("/api/v1/session", { email: ADMIN_EMAIL, password: "nope-nope-nope" });
    expect(res.status).toBe(401);
    expect(c.cookie).toBeNull();
  });

  it("keeps the session in an httpOnly cookie and signs out", async () => {
    // Its own user: signing out ends every session of that user, the fixture's admin included.
    expect((await f.admin.post("/api/v1/users", { email: "leaver@test.local", password: "leaver-password", role: "admin" })).status).toBe(201);
    const c = new ApiClient(f.server.url);
    const res = await c.post("/api/v1/session", { email: "leaver@test.local", password: "leaver-password" });
    expect(res.headers.get("set-cookie")).toMatch(/edgelens_session=.*HttpOnly/i);
    expect((await c.get("/api/v1/session")).body).toMatchObject({ user: { email: "leaver@test.local", role: "admin" } });
    await c.delete("/api/v1/session");
    expect((await c.get("/api/v1/session")).status).toBe(401);
  });

  it("lets viewers read and refuses their writes with 403", async () => {
    expect((await viewer.get("/api/v1/devices")).status).toBe(200);
    const write = await viewer.post("/api/v1/devices", { id: "cam-viewer" });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect((await viewer.get("/api/v1/users")).status).toBe(403);
  });

  it("accepts API tokens as Bearer, with the owner's role, until revoked", async () => {
    const created = await f.admin.post<{ token: { id: string }; secret: string }>("/api/v1/tokens", { name: "ci" });
    expect(created.status).toBe(201);
    const bot = new ApiClient(f.server.url, created.body.secret);
    const reg = await bot.post("/api/v1/devices", { id: "cam-token" });
    expect(reg.status).toBe(201);
    expect((await f.admin.delete(`/api/v1/tokens/${created.body.token.id}`)).status).toBe(200);
    const after = await bot.get("/api/v1/devices");
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { message: expect.stringContaining("revoked") } });
  });

  it("signs short-lived MQTT credentials with the caller's role", async () => {
    const res = await viewer.get<{ username: string; password: string; wsUrl: string; expiresAt: number }>("/api/v1/mqtt-token?ttl=120");
    expect(res.status).toBe(200);
    expect(res.body.username).toMatch(/^user:usr_/);
    expect(res.body.wsUrl).toBe("ws://127.0.0.1:8083");
    const check = await verifyConsoleToken(res.body.password, TEST_SECRET);
    expect(check.ok && check.claims.role).toBe("viewer");
    expect(check.ok && check.claims.exp - check.claims.iat).toBe(120);
  });

  it("sends signed-out page visitors to /login with the way back", async () => {
    const res = await fetch(`${f.server.url}/devices?x=1`, { redirect: "manual" });
    expect([302, 303, 307, 308]).toContain(res.status);
    expect(res.headers.get("location")).toMatch(/\/login\?next=%2Fdevices%3Fx%3D1$/);
  }, 180_000);
});
