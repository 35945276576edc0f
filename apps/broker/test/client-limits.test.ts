import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox, inferPayload, metricValue, waitFor } from "./support/messages";

/** Issue 13 item 11: per-client limits on subscriptions and on what a device may retain. */
describe("per-client limits", () => {
  let f: Fixture;
  let camSecret: string;

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT: "5", EDGELENS_BROKER_MAX_SESSION_QUEUE_BYTES: "2000" });
    camSecret = await f.addDevice("cam-l");
  });
  afterAll(() => f.close());

  /** Granted QoS per filter; mqtt.js 5 rejects a SUBACK with any 0x80, with the packet on the error. */
  async function granted(client: MqttClient, filters: string[], qos: 0 | 1 = 0): Promise<number[]> {
    try {
      return (await client.subscribeAsync(filters, { qos })).map((g) => g.qos);
    } catch (err) {
      return (err as { packet?: { granted?: number[] } }).packet?.granted ?? [];
    }
  }

  it("refuses subscriptions past the per-client limit with SUBACK 0x80, in one packet or across packets", async () => {
    const viewer = await f.connect({ clientId: "greedy", ...(await f.token("viewer", "greedy")) });
    expect(await granted(viewer, Array.from({ length: 8 }, (_, i) => `x/${i}`))).toEqual([0, 0, 0, 0, 0, 128, 128, 128]);
    // Subscribing again to a filter it holds costs nothing; a new one is still refused.
    expect(await granted(viewer, ["x/0"], 1)).toEqual([1]);
    expect(await granted(viewer, ["x/new"])).toEqual([128]);
    await viewer.unsubscribeAsync("x/0");
    expect(await granted(viewer, ["x/new"])).toEqual([0]);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_limit_hits_total", 'limit="subscriptions"')).toBe(4);
  });

  it("a device retains only where the contract retains (status, shadow/reported)", async () => {
    const cam = await f.device("cam-l", camSecret);
    const progress = (id: string) => JSON.stringify({ deploymentId: id, state: "running", ts: Date.now() });
    for (let i = 0; i < 20; i++) await cam.publishAsync(topics.deployment("cam-l", `dep-${i}`), progress(`dep-${i}`), { qos: 1, retain: true });
    await cam.publishAsync(topics.infer("cam-l"), inferPayload("cam-l"), { qos: 1, retain: true });
    await cam.publishAsync(topics.logs("cam-l"), JSON.stringify({ level: "info", msg: "hi", ts: Date.now() }), { qos: 1, retain: true });
    await cam.publishAsync(topics.status("cam-l"), JSON.stringify({ state: "online", agentVersion: "t", ts: Date.now() }), { qos: 1, retain: true });

    const late = await f.admin();
    const inbox = new Inbox(late);
    await late.subscribeAsync("edgelens/devices/cam-l/#", { qos: 1 });
    await inbox.next(topics.status("cam-l"));
    // A marker after the retained burst: whatever was retained has arrived before it.
    await cam.publishAsync(topics.infer("cam-l"), inferPayload("cam-l", 1, 99), { qos: 1 });
    await inbox.next(topics.infer("cam-l"), (m) => m.payload.toString().includes('"seq":99'));
    expect(inbox.all.filter((m) => m.retain).map((m) => m.topic)).toEqual([topics.status("cam-l")]);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_limit_hits_total", 'limit="retain"')).toBe(22);
  });

  it("bounds the bytes queued for an offline persistent session", async () => {
    const creds = await f.token("viewer", "sleeper");
    const sleeper = await f.connect({ clientId: "sleeper", clean: false, ...creds });
    await sleeper.subscribeAsync("q/#", { qos: 1 });
    await sleeper.endAsync();
    const admin = await f.admin();
    // 3 x (3 + 500) bytes fit in 2000; the other 7 are dropped.
    for (let i = 0; i < 10; i++) await admin.publishAsync("q/x", Buffer.alloc(500, i), { qos: 1 });
    // Listening before CONNECT: the queued messages arrive right after CONNACK.
    const back = mqtt.connect(f.url, { clientId: "sleeper", clean: false, ...creds, manualConnect: true, reconnectPeriod: 0, protocolVersion: 4 });
    const inbox = new Inbox(back);
    back.connect();
    await new Promise<void>((resolve) => back.once("connect", () => resolve()));
    await waitFor(() => inbox.all.filter((m) => m.topic === "q/x").length >= 3, "the 3 queued messages");
    // aedes flushes the queue beside live traffic: a marker published now arrives after it.
    await admin.publishAsync("q/marker", "m", { qos: 1 });
    await inbox.next("q/marker");
    expect(inbox.all.filter((m) => m.topic === "q/x").length).toBe(3);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_limit_hits_total", 'limit="session-queue"')).toBe(7);
    await back.endAsync();
  });
});
