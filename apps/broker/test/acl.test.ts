import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox, inferPayload, metricValue } from "./support/messages";

describe("ACL (docs/design.md Identities and auth)", () => {
  let f: Fixture;
  let a: MqttClient;
  let b: MqttClient;
  let observer: MqttClient;
  let inbox: Inbox;

  beforeAll(async () => {
    f = await startFixture();
    const sa = await f.addDevice("dev-a");
    const sb = await f.addDevice("dev-b");
    a = await f.device("dev-a", sa);
    b = await f.device("dev-b", sb);
    observer = await f.connect({ clientId: "observer", ...(await f.token("viewer", "observer")) });
    inbox = new Inbox(observer);
    await observer.subscribeAsync("#", { qos: 1 });
  });
  afterAll(() => f.close());

  /** The granted QoS of SUBACK; mqtt.js 5 rejects a 0x80 SUBACK, with the packet on the error. */
  async function granted(client: MqttClient, filter: string): Promise<number | undefined> {
    try {
      return (await client.subscribeAsync(filter, { qos: 1 }))[0]?.qos;
    } catch (err) {
      const code = (err as { packet?: { granted?: number[] } }).packet?.granted?.[0];
      if (code === undefined) throw err;
      return code;
    }
  }

  it("a device subscribes to its own shadow/desired, commands and stream/request", async () => {
    expect(await granted(a, topics.shadowDesired("dev-a"))).toBe(1);
    expect(await granted(a, topics.commands("dev-a"))).toBe(1);
    expect(await granted(a, topics.streamRequest("dev-a"))).toBe(1);
  });

  it.each([
    ["another device's commands", topics.commands("dev-b")],
    ["its own infer", topics.infer("dev-a")],
    ["its own subtree by #", "edgelens/devices/dev-a/#"],
    ["its own commands by +", "edgelens/devices/+/commands"],
    ["everything", "#"],
    ["one level wildcard at the root", "+/devices/dev-a/commands"],
    ["$SYS", "$SYS/#"],
    ["the drop sink", "$edgelens/dropped"],
  ])("a device may not subscribe to %s (SUBACK 0x80)", async (_what, filter) => {
    expect(await granted(a, filter)).toBe(128);
    expect(a.connected).toBe(true);
  });

  it("users may read everything but the broker's own $edgelens topics", async () => {
    const viewer = await f.connect({ clientId: "viewer-2", ...(await f.token("viewer", "v2")) });
    expect(await granted(viewer, "#")).toBe(1);
    expect(await granted(viewer, "$SYS/#")).toBe(1);
    expect(await granted(viewer, "$edgelens/#")).toBe(128);
  });

  /** Publishes `denied` then a marker that is allowed; once the marker arrives, the denied one would have too. */
  async function expectDropped(client: MqttClient, topic: string, payload: string, reason: string): Promise<void> {
    const before = await metricValue(f.broker.httpPort, "edgelens_broker_publish_denied_total", `reason="${reason}"`);
    const marker = `marker-${Math.random()}`;
    await client.publishAsync(topic, payload, { qos: 1 });
    await client.publishAsync(topics.logs("dev-a"), JSON.stringify({ level: "info", msg: marker, ts: Date.now() }), { qos: 1 });
    await inbox.next(topics.logs("dev-a"), (m) => m.payload.toString().includes(marker));
    expect(inbox.all.filter((m) => m.topic === topic && m.payload.toString() === payload)).toHaveLength(0);
    expect(client.connected).toBe(true);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_publish_denied_total", `reason="${reason}"`)).toBe(before + 1);
  }

  it("device A cannot write device B's topics", async () => {
    await expectDropped(a, topics.infer("dev-b"), inferPayload("dev-b"), "acl");
    await expectDropped(a, topics.status("dev-b"), JSON.stringify({ state: "offline", agentVersion: "1", ts: 1 }), "acl");
  });

  it("a device cannot publish what the console drives: shadow/desired, commands, stream/request", async () => {
    const desired = JSON.stringify({ deploymentId: "d1", project: null, function: null, models: {}, config: {} });
    await expectDropped(a, topics.shadowDesired("dev-a"), desired, "acl");
    await expectDropped(a, topics.commands("dev-a"), JSON.stringify({ cmd: "restart-agent", id: "c1" }), "acl");
    await expectDropped(a, topics.streamRequest("dev-a"), JSON.stringify({ stream: "project", until: Date.now() }), "acl");
  });

  it("a device cannot publish outside its tree or to reserved topics", async () => {
    await expectDropped(a, "alerts/anything", "{}", "acl");
    await expectDropped(a, "edgelens/devices/dev-a", "{}", "acl");
    await expectDropped(a, "edgelens/devices/dev-a/unknown-kind", "{}", "acl");
    await expectDropped(a, "$SYS/fake", "{}", "reserved-topic");
  });

  it("a retained message of B on A's topic does not leak: A still only gets its own commands", async () => {
    const admin = await f.admin();
    const aInbox = new Inbox(a);
    await admin.publishAsync(topics.commands("dev-b"), JSON.stringify({ cmd: "snapshot", id: "for-b" }), { qos: 1 });
    await admin.publishAsync(topics.commands("dev-a"), JSON.stringify({ cmd: "snapshot", id: "for-a" }), { qos: 1 });
    await aInbox.next(topics.commands("dev-a"));
    expect(aInbox.all.map((m) => m.topic)).toEqual([topics.commands("dev-a")]);
  });

  it("device B's own publish passes", async () => {
    await b.publishAsync(topics.infer("dev-b"), inferPayload("dev-b"), { qos: 1 });
    await inbox.next(topics.infer("dev-b"));
  });
});
