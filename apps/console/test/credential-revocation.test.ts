import { rmSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyConsoleToken } from "@edgelens/shared";
import { startBroker, type BrokerProcess } from "./support/broker";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { ApiClient } from "./support/http-client";
import { closeContext } from "../src/server/build-context";
import { tempContext, TEST_SECRET } from "./support/temp-context";

/**
 * Issue 13 items 1 and 8, attacked through the real console (next dev) and the real broker: a
 * saved session cookie or MQTT token must stop working after sign-out, a password change or the
 * user's deletion, and a live MQTT connection of a deleted user must be closed.
 */
describe("credential revocation (real console + real broker)", () => {
  let broker: BrokerProcess;
  let f: ConsoleFixture;
  let dataDir: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const seed = tempContext();
    dataDir = seed.dir;
    await closeContext(seed.ctx);
    broker = await startBroker(dataDir, TEST_SECRET);
    f = await startConsoleFixture("revocation", { brokerUrl: broker.mqttUrl, wsPort: broker.wsPort, dataDir });
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await f?.close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedInUser(email: string, role: "admin" | "viewer" = "viewer"): Promise<{ id: string; client: ApiClient }> {
    const created = await f.admin.post<{ user: { id: string } }>("/api/v1/users", { email, password: "first-password-1", role });
    expect(created.status).toBe(201);
    const client = new ApiClient(f.server.url);
    expect((await client.post("/api/v1/session", { email, password: "first-password-1" })).status).toBe(200);
    return { id: created.body.user.id, client };
  }

  function copyOf(c: ApiClient): ApiClient {
    const stolen = new ApiClient(c.baseUrl);
    stolen.cookie = c.cookie;
    return stolen;
  }

  it("a saved cookie stops working after sign-out", async () => {
    const { client } = await signedInUser("out@test.local");
    const saved = copyOf(client);
    expect((await saved.get("/api/v1/session")).status).toBe(200);
    expect((await client.delete("/api/v1/session")).status).toBe(204);
    expect((await saved.get("/api/v1/session")).status).toBe(401);
    expect((await saved.get("/api/v1/devices")).status).toBe(401);
  });

  it("a saved cookie stops working after an admin changed the password", async () => {
    const { id, client } = await signedInUser("pw@test.local");
    expect((await f.admin.patch(`/api/v1/users/${id}`, { password: "second-password-2" })).status).toBe(200);
    expect((await client.get("/api/v1/session")).status).toBe(401);
  });

  it("caps the MQTT token TTL at EDGELENS_MQTT_TOKEN_TTL and disconnects a deleted user's live connection", async () => {
    const { id, client } = await signedInUser("gone@test.local", "admin");
    const res = await client.get<{ username: string; password: string; expiresAt: number }>("/api/v1/mqtt-token?ttl=604800");
    expect(res.status).toBe(200);
    const check = await verifyConsoleToken(res.body.password, TEST_SECRET);
    expect(check.ok && check.claims.exp - check.claims.iat).toBe(3600);
    expect(check.ok && typeof check.claims.ver).toBe("number");

    const creds = { username: res.body.username, password: res.body.password, reconnectPeriod: 0, protocolVersion: 4 as const };
    const live = await mqtt.connectAsync(broker.mqttUrl, { ...creds, clientId: "gone-1" });
    clients.push(live);
    const gone = new Promise<void>((resolve) => live.once("close", () => resolve()));
    expect((await f.admin.delete(`/api/v1/users/${id}`)).status).toBe(204);
    const started = Date.now();
    await gone;
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(mqtt.connectAsync(broker.mqttUrl, { ...creds, clientId: "gone-2" })).rejects.toMatchObject({ code: 4 });
    expect((await client.get("/api/v1/session")).status).toBe(401);
  });
});
