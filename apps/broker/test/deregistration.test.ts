import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { devices, hashSecret, settings } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { refusalCode, startFixture, type Fixture } from "./support/fixture";
import { closed, Inbox, metricValue } from "./support/messages";

describe("deregistration (the console deletes the row from its own process)", () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  it("kicks a connected device, refuses its next CONNECT and clears its retained status", async () => {
    const secret = await f.addDevice("cam-9");
    const watcher = await f.connect({ clientId: "watcher", ...(await f.token("viewer", "w")) });
    const inbox = new Inbox(watcher);
    await watcher.subscribeAsync(topics.status("cam-9"), { qos: 1 });
    const cam = await f.device("cam-9", secret, {
      will: { topic: topics.status("cam-9"), payload: Buffer.from(JSON.stringify({ state: "offline", agentVersion: "1", ts: 1 })), qos: 1, retain: true },
    });
    await inbox.next(topics.status("cam-9"), (m) => m.payload.length > 0);

    f.db.db.delete(devices).where(eq(devices.id, "cam-9")).run();
    await closed(cam);
    // The retained status is cleared (an empty retained message) and no will says "offline".
    await inbox.next(topics.status("cam-9"), (m) => m.payload.length === 0);
    expect(inbox.on(topics.status("cam-9")).some((m) => m.payload.toString().includes("offline"))).toBe(false);
    expect(await refusalCode(f.url, { clientId: "cam-9", username: "cam-9", password: secret })).toBe(4);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="deregistered"')).toBe(1);

    const late = await f.connect({ clientId: "late", ...(await f.token("viewer", "late")) });
    const lateInbox = new Inbox(late);
    await late.subscribeAsync([topics.status("cam-9"), filters.allOf("logs")], { qos: 1 });
    // A marker proves the subscription is live; a retained status would have come before it.
    const admin = await f.admin();
    await admin.publishAsync(topics.logs("zzz-marker"), JSON.stringify({ level: "info", msg: "m", ts: 1 }), { qos: 1 });
    await lateInbox.next(filters.allOf("logs"));
    expect(lateInbox.on(topics.status("cam-9"))).toHaveLength(0);
  });

  it("closes a device whose secret was rotated; the new secret works", async () => {
    const secret = await f.addDevice("cam-10");
    const cam = await f.device("cam-10", secret);
    const rotated = "rotated-secret-0123456789abcdef";
    f.db.db.update(devices).set({ secretHash: await hashSecret(rotated) }).where(eq(devices.id, "cam-10")).run();
    await closed(cam);
    expect(await refusalCode(f.url, { clientId: "cam-10", username: "cam-10", password: secret })).toBe(4);
    const again = await f.device("cam-10", rotated);
    expect(again.connected).toBe(true);
  });

  it("the devices' auth version it polls moves on register, rotate and delete, not on other writes to devices", async () => {
    const version = () => Number(f.db.db.select().from(settings).where(eq(settings.key, "devices_auth_version")).get()?.value);
    const v0 = version();
    const secret = await f.addDevice("cam-v");
    expect(version()).toBe(v0 + 1);
    f.db.db.update(devices).set({ name: "renamed", presence: "online", lastSeenAt: Date.now() }).where(eq(devices.id, "cam-v")).run();
    f.db.db.update(devices).set({ secretHash: f.db.db.select().from(devices).where(eq(devices.id, "cam-v")).get()!.secretHash }).where(eq(devices.id, "cam-v")).run();
    expect(version()).toBe(v0 + 1);
    const cam = await f.device("cam-v", secret);
    f.db.db.update(devices).set({ secretHash: await hashSecret("another-secret-0123456789abcdef") }).where(eq(devices.id, "cam-v")).run();
    expect(version()).toBe(v0 + 2);
    await closed(cam);
    f.db.db.delete(devices).where(eq(devices.id, "cam-v")).run();
    expect(version()).toBe(v0 + 3);
  });

  it("leaves other devices connected", async () => {
    const s1 = await f.addDevice("keep-1");
    const s2 = await f.addDevice("drop-1");
    const keep = await f.device("keep-1", s1);
    const drop = await f.device("drop-1", s2);
    f.db.db.delete(devices).where(eq(devices.id, "drop-1")).run();
    await closed(drop);
    await keep.publishAsync(topics.logs("keep-1"), JSON.stringify({ level: "info", msg: "still here", ts: Date.now() }), { qos: 1 });
    expect(keep.connected).toBe(true);
  });
});
