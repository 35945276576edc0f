import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signConsoleToken } from "@edgelens/shared";
import { filters, topics } from "@edgelens/shared/topics";
import { refusalCode, SECRET, startFixture, type Fixture } from "./support/fixture";
import { Inbox, inferPayload, metricValue } from "./support/messages";

describe("authentication", () => {
  let f: Fixture;
  let camSecret: string;

  beforeAll(async () => {
    f = await startFixture();
    camSecret = await f.addDevice("cam-1");
  });
  afterAll(() => f.close());

  it("accepts a device with its id and secret, twice (the second check hits the cache)", async () => {
    const a = await f.device("cam-1", camSecret);
    expect(a.connected).toBe(true);
    await a.endAsync();
    const b = await f.device("cam-1", camSecret);
    expect(b.connected).toBe(true);
    await b.endAsync();
  });

  it("refuses a wrong secret, an unknown device and missing credentials with CONNACK 4", async () => {
    expect(await refusalCode(f.url, { clientId: "cam-1", username: "cam-1", password: "wrong-secret-0123456789" })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "ghost-1", username: "ghost-1", password: camSecret })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "cam-1" })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "x", username: "Not A Device", password: "x" })).toBe(4);
  });

  it("refuses a device on a client id outside its own namespace (session takeover) with CONNACK 2", async () => {
    expect(await refusalCode(f.url, { clientId: "someone-else", username: "cam-1", password: camSecret })).toBe(2);
    const ok = await f.device("cam-1", camSecret, { clientId: "cam-1:second" });
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });

  it("accepts console tokens and refuses bad, expired, foreign or mismatched ones", async () => {
    const viewer = await f.connect({ clientId: "v-1", ...(await f.token("viewer")) });
    expect(viewer.connected).toBe(true);
    await viewer.endAsync();

    const good = await f.token("admin", "alice");
    expect(await refusalCode(f.url, { clientId: "u1", username: "user:alice", password: `${good.password}x` })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "u2", username: "user:bob", password: good.password })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "u3", username: "user:alice", password: "not-a-token" })).toBe(4);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signConsoleToken({ sub: "alice", role: "admin", iat: now - 120, exp: now - 60 }, SECRET);
    expect(await refusalCode(f.url, { clientId: "u4", username: "user:alice", password: expired })).toBe(4);
    const foreign = await signConsoleToken({ sub: "alice", role: "admin", iat: now, exp: now + 60 }, "another-secret-0123456789");
    expect(await refusalCode(f.url, { clientId: "u5", username: "user:alice", password: foreign })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "cam-1", ...good })).toBe(2);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_auth_failures_total", 'reason="expired-token"')).toBe(1);
  });

  it("lets admins publish and drops a viewer's publish", async () => {
    const watcher = await f.connect({ clientId: "watcher", ...(await f.token("viewer", "watcher")) });
    const inbox = new Inbox(watcher);
    await watcher.subscribeAsync(filters.device("cam-1"), { qos: 1 });
    const viewer = await f.connect({ clientId: "viewer-pub", ...(await f.token("viewer", "v")) });
    const admin = await f.admin();
    const cmd = (id: string) => JSON.stringify({ cmd: "snapshot", id });
    await viewer.publishAsync(topics.commands("cam-1"), cmd("from-viewer"), { qos: 1 });
    await admin.publishAsync(topics.commands("cam-1"), cmd("from-admin"), { qos: 1 });
    await inbox.next(topics.commands("cam-1"), (m) => m.payload.toString().includes("from-admin"));
    // The viewer's QoS 1 publish was acknowledged (MQTT 3.1.1 section 3.3.5) but reached no one.
    expect(inbox.all.some((m) => m.payload.toString().includes("from-viewer"))).toBe(false);
    expect(viewer.connected).toBe(true);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_publish_denied_total", 'reason="viewer"')).toBe(1);
  });

  it("a device's publishes reach subscribers", async () => {
    const admin = await f.admin();
    const inbox = new Inbox(admin);
    await admin.subscribeAsync(topics.infer("cam-1"), { qos: 1 });
    const cam = await f.device("cam-1", camSecret);
    await cam.publishAsync(topics.infer("cam-1"), inferPayload("cam-1"), { qos: 1 });
    expect((await inbox.next(topics.infer("cam-1"))).json()).toMatchObject({ deviceId: "cam-1", counts: { person: 3 } });
    await cam.endAsync();
  });
});

describe("failed logins are rate limited per client IP", () => {
  let f: Fixture;
  let secret: string;

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE: "3" });
    secret = await f.addDevice("cam-2");
  });
  afterAll(() => f.close());

  it("refuses even good credentials with CONNACK 5 after the limit", async () => {
    for (let i = 0; i < 3; i++) expect(await refusalCode(f.url, { clientId: "cam-2", username: "cam-2", password: `bad-${i}-0123456789` })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "cam-2", username: "cam-2", password: secret })).toBe(5);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_auth_failures_total", 'reason="rate-limited"')).toBe(1);
  });
});
