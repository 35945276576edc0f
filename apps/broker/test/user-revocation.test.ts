import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@edgelens/db";
import { signConsoleToken, type Role } from "@edgelens/shared";
import { refusalCode, startFixture, type Fixture } from "./support/fixture";
import { closed, metricValue } from "./support/messages";

/**
 * Issue 13 item 1: an MQTT token of a user who was deleted, changed role or signed out must
 * neither connect nor keep a connection opened before; an expired token must not keep one.
 */
describe("user MQTT credentials are revocable", () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  function addUser(id: string, role: Role): void {
    f.db.db.insert(users).values({ id, email: `${id}@example.com`, role, passwordHash: "x" }).run();
  }

  /** Signed the way the console's GET /api/v1/mqtt-token signs it: with the user's auth version. */
  async function tokenOf(id: string, ttlSec = 3600): Promise<{ username: string; password: string }> {
    const row = f.db.db.select().from(users).where(eq(users.id, id)).get()!;
    const iat = Math.floor(Date.now() / 1000);
    return { username: `user:${id}`, password: await signConsoleToken({ sub: id, role: row.role, ver: row.authVersion, iat, exp: iat + ttlSec }, f.secret) };
  }

  it("deleting a user closes its live connection within seconds and refuses its token", async () => {
    addUser("usr_del", "admin");
    const creds = await tokenOf("usr_del");
    const client = await f.connect({ clientId: "del-1", ...creds });
    const gone = closed(client);
    f.db.db.delete(users).where(eq(users.id, "usr_del")).run();
    const started = Date.now();
    await gone;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await refusalCode(f.url, { clientId: "del-2", ...creds })).toBe(4);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="user-deleted"')).toBe(1);
  });

  it("a role change or a bumped auth version (sign-out, password change) closes the connection and refuses the token", async () => {
    addUser("usr_role", "admin");
    const roleCreds = await tokenOf("usr_role");
    const a = await f.connect({ clientId: "role-1", ...roleCreds });
    const aGone = closed(a);
    f.db.db.update(users).set({ role: "viewer", authVersion: sql`${users.authVersion} + 1` }).where(eq(users.id, "usr_role")).run();
    await aGone;
    expect(await refusalCode(f.url, { clientId: "role-2", ...roleCreds })).toBe(4);

    addUser("usr_out", "viewer");
    const outCreds = await tokenOf("usr_out");
    const b = await f.connect({ clientId: "out-1", ...outCreds });
    const bGone = closed(b);
    f.db.db.update(users).set({ authVersion: sql`${users.authVersion} + 1` }).where(eq(users.id, "usr_out")).run();
    await bGone;
    expect(await refusalCode(f.url, { clientId: "out-2", ...outCreds })).toBe(4);
    // A fresh token under the new version works.
    const again = await f.connect({ clientId: "out-3", ...(await tokenOf("usr_out")) });
    expect(again.connected).toBe(true);
  });

  it("a token without an auth version is refused for a real user", async () => {
    addUser("usr_old", "admin");
    const iat = Math.floor(Date.now() / 1000);
    const password = await signConsoleToken({ sub: "usr_old", role: "admin", iat, exp: iat + 3600 }, f.secret);
    expect(await refusalCode(f.url, { clientId: "old-1", username: "user:usr_old", password })).toBe(4);
  });

  it("a connection whose token expires is closed", async () => {
    addUser("usr_exp", "viewer");
    const client = await f.connect({ clientId: "exp-1", ...(await tokenOf("usr_exp", 1)) });
    const started = Date.now();
    await closed(client);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="token-expired"')).toBe(1);
  });
});
