import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { eq } from "drizzle-orm";
import { deploymentEvents, deployments, devices } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { closed, Inbox, metricValue, waitFor } from "./support/messages";

const status = (state: "online" | "offline", agentVersion = "1.2.3") => JSON.stringify({ state, agentVersion, ts: Date.now() });
const will = (deviceId: string) => ({ topic: topics.status(deviceId), payload: Buffer.from(status("offline")), qos: 1 as const, retain: true });

describe("presence, retained status and device state in the database", () => {
  let f: Fixture;
  let watcher: MqttClient;
  let inbox: Inbox;
  const row = (id: string) => f.db.db.select().from(devices).where(eq(devices.id, id)).get();

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_TELEMETRY_INTERVAL_MS: "50" });
    watcher = await f.connect({ clientId: "watcher", ...(await f.token("viewer", "watcher")) });
    inbox = new Inbox(watcher);
    await watcher.subscribeAsync(filters.allOf("status"), { qos: 1 });
  });
  afterAll(() => f.close());

  it("first connect: awaiting-credentials -> registered, online, last seen, retained online status", async () => {
    const secret = await f.addDevice("cam-1");
    expect(row("cam-1")).toMatchObject({ registration: "awaiting-credentials", presence: "offline", lastSeenAt: null });
    const cam = await f.device("cam-1", secret, { will: will("cam-1") });
    await waitFor(() => row("cam-1")?.presence === "online", "presence online");
    expect(row("cam-1")).toMatchObject({ registration: "registered" });
    expect(row("cam-1")?.lastSeenAt).toBeGreaterThan(0);
    expect((await inbox.next(topics.status("cam-1"), (m) => m.json() !== null)).json()).toMatchObject({ state: "online", agentVersion: "unknown" });

    // The agent's own status (agent version) follows and wins: the broker's copy was stored first.
    await cam.publishAsync(topics.status("cam-1"), status("online", "2.0.0"), { qos: 1, retain: true });
    await waitFor(() => row("cam-1")?.agentVersion === "2.0.0", "agent version");
    const late = await f.connect({ clientId: "late", ...(await f.token("viewer", "late")) });
    const lateInbox = new Inbox(late);
    await late.subscribeAsync(topics.status("cam-1"), { qos: 1 });
    const retained = await lateInbox.next(topics.status("cam-1"));
    expect(retained.retain).toBe(true);
    expect(retained.json()).toMatchObject({ state: "online", agentVersion: "2.0.0" });
  });

  it("a socket destroyed without DISCONNECT fires the last will: retained offline, presence offline", async () => {
    const secret = await f.addDevice("cam-2");
    const cam = await f.device("cam-2", secret, { will: will("cam-2") });
    await waitFor(() => row("cam-2")?.presence === "online", "online");
    cam.stream.destroy();
    await closed(cam);
    await inbox.next(topics.status("cam-2"), (m) => (m.json() as { state: string }).state === "offline");
    await waitFor(() => row("cam-2")?.presence === "offline", "presence offline");
    expect(row("cam-2")?.lastSeenAt).toBeGreaterThan(0);
  });

  it("a clean DISCONNECT (no will fires) still leaves a retained offline status, said by the broker", async () => {
    const secret = await f.addDevice("cam-3");
    const cam = await f.device("cam-3", secret, { will: will("cam-3") });
    await inbox.next(topics.status("cam-3"), (m) => (m.json() as { state: string }).state === "online");
    await cam.endAsync();
    const offline = await inbox.next(topics.status("cam-3"), (m) => (m.json() as { state: string }).state === "offline");
    expect(offline.json()).toMatchObject({ agentVersion: "unknown" });
    await waitFor(() => row("cam-3")?.presence === "offline", "presence offline");
  });

  it("telemetry updates devices.telemetry (throttled, latest wins)", async () => {
    const secret = await f.addDevice("cam-4");
    const cam = await f.device("cam-4", secret);
    const t = (fps: number) => JSON.stringify({ fps, latencyMs: { p50: 10, p95: 20 }, cpu: 50, rssMb: 100, droppedFrames: 0, spoolDepth: 0, ts: Date.now() });
    for (const fps of [1, 2, 3]) await cam.publishAsync(topics.telemetry("cam-4"), t(fps), { qos: 1 });
    await waitFor(() => (row("cam-4")?.telemetry as { fps?: number } | null)?.fps === 3, "telemetry fps 3");
  });

  it("deployment progress updates the deployment, appends events and sets the current deployment", async () => {
    const secret = await f.addDevice("cam-5");
    f.db.db.insert(deployments).values({ id: "dep-1", deviceId: "cam-5" }).run();
    const cam = await f.device("cam-5", secret);
    const progress = (state: string, extra: Record<string, unknown> = {}) => JSON.stringify({ deploymentId: "dep-1", state, ts: Date.now(), ...extra });
    await cam.publishAsync(topics.deployment("cam-5", "dep-1"), progress("downloading", { pct: 42.4 }), { qos: 1 });
    await cam.publishAsync(topics.deployment("cam-5", "dep-1"), progress("running"), { qos: 1 });
    await waitFor(() => f.db.db.select().from(devices).where(eq(devices.id, "cam-5")).get()?.currentDeploymentId === "dep-1", "current deployment");
    expect(f.db.db.select().from(deployments).where(eq(deployments.id, "dep-1")).get()).toMatchObject({ state: "running" });
    const evs = f.db.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, "dep-1")).all();
    expect(evs.map((e) => [e.state, e.pct])).toEqual([
      ["downloading", 42],
      ["running", null],
    ]);
  });

  it("a failed deployment that rolls back keeps its failure reason in front of the rollback's", async () => {
    const secret = await f.addDevice("cam-5b");
    f.db.db.insert(deployments).values({ id: "dep-2", deviceId: "cam-5b" }).run();
    const cam = await f.device("cam-5b", secret);
    const progress = (state: string, reason: string) => JSON.stringify({ deploymentId: "dep-2", state, reason, ts: Date.now() });
    await cam.publishAsync(topics.deployment("cam-5b", "dep-2"), progress("failed", "setup threw: no calibration"), { qos: 1 });
    await cam.publishAsync(topics.deployment("cam-5b", "dep-2"), progress("rolled-back", "deployment dep-1 keeps running"), { qos: 1 });
    await waitFor(() => f.db.db.select().from(deployments).where(eq(deployments.id, "dep-2")).get()?.state === "rolled-back", "rolled back");
    expect(f.db.db.select().from(deployments).where(eq(deployments.id, "dep-2")).get()?.reason).toBe("setup threw: no calibration; rolled back: deployment dep-1 keeps running");
    const evs = f.db.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, "dep-2")).all();
    expect(evs.map((e) => e.reason)).toEqual(["setup threw: no calibration", "deployment dep-1 keeps running"]);
  });

  it("a malformed payload on a known topic is dropped and counted, not relayed; the client stays", async () => {
    const secret = await f.addDevice("cam-6");
    const cam = await f.device("cam-6", secret);
    await cam.publishAsync(topics.status("cam-6"), "{not json", { qos: 1 });
    await cam.publishAsync(topics.status("cam-6"), JSON.stringify({ state: "sleeping", agentVersion: "1", ts: 1 }), { qos: 1 });
    await cam.publishAsync(topics.deployment("cam-6", "dep-x"), JSON.stringify({ deploymentId: "other", state: "running", ts: 1 }), { qos: 1 });
    await cam.publishAsync(topics.status("cam-6"), status("online", "9.9.9"), { qos: 1 });
    await inbox.next(topics.status("cam-6"), (m) => m.payload.toString().includes("9.9.9"));
    expect(inbox.on(topics.status("cam-6")).every((m) => (m.json() as { state: string }).state === "online")).toBe(true);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_payload_invalid_total", 'kind="status"')).toBe(2);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_payload_invalid_total", 'kind="deployments"')).toBe(1);
    expect(cam.connected).toBe(true);
  });

  it("health and metrics endpoints answer", async () => {
    const health = await (await fetch(`http://127.0.0.1:${f.broker.httpPort}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok" });
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_connections", 'kind="device"')).toBeGreaterThan(0);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_messages_in_total")).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${f.broker.httpPort}/nope`)).status).toBe(404);
  });
});
