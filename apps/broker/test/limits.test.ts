import { connect as netConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { closed, Inbox, metricValue } from "./support/messages";

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
}

function socketClosed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve();
    s.on("close", () => resolve());
    s.on("error", () => undefined);
  });
}

/** MQTT variable byte integer (section 2.2.3). */
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

function str(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** An MQTT 3.1.1 CONNECT with username/password and keepalive 0 (so no timer closes the socket). */
function connectPacket(clientId: string, username: string, password: string): Buffer {
  const body = Buffer.concat([str("MQTT"), Buffer.from([4, 0xc2, 0, 0]), str(clientId), str(username), str(password)]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
}

/** A raw TCP connection that completed CONNECT (CONNACK 0). */
async function connectedSocket(port: number, clientId: string, username: string, password: string): Promise<Socket> {
  const s = await rawSocket(port);
  const connack = new Promise<Buffer>((resolve) => s.once("data", resolve));
  s.write(connectPacket(clientId, username, password));
  expect([...(await connack)]).toEqual([0x20, 2, 0, 0]);
  return s;
}

describe("limits: a bad client is dropped, the broker keeps serving the others", () => {
  let f: Fixture;
  let healthy: MqttClient;
  let healthyInbox: Inbox;

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_MAX_PAYLOAD_BYTES: "1024", EDGELENS_BROKER_MAX_TOPIC_LEVELS: "8" });
    healthy = await f.admin({ clientId: "healthy" });
    healthyInbox = new Inbox(healthy);
    await healthy.subscribeAsync("probe/#", { qos: 1 });
  });
  afterAll(() => f.close());

  async function brokerStillServes(tag: string): Promise<void> {
    await healthy.publishAsync(`probe/${tag}`, tag, { qos: 1 });
    await healthyInbox.next(`probe/${tag}`);
    expect(healthy.connected).toBe(true);
  }

  it("closes a client whose payload is over the limit", async () => {
    const secret = await f.addDevice("big-1");
    const cam = await f.device("big-1", secret);
    cam.publish(topics.logs("big-1"), JSON.stringify({ level: "info", msg: "x".repeat(2000), ts: 1 }), { qos: 0 });
    await closed(cam);
    expect(await metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="payload-too-large"')).toBe(1);
    await brokerStillServes("after-payload");
  });

  it("closes a connection announcing a huge packet as soon as its header arrives", async () => {
    const secret = await f.addDevice("big-2");
    const s = await connectedSocket(f.broker.mqttPort, "big-2", "big-2", secret);
    // PUBLISH fixed header claiming 200 MB; the broker must not wait to buffer it.
    s.write(Buffer.concat([Buffer.from([0x30]), varint(200 * 1024 * 1024), Buffer.from([0, 1, 0x61])]));
    await socketClosed(s);
    await brokerStillServes("after-header");
  });

  it("closes a connection sending garbage", async () => {
    const secret = await f.addDevice("junk-1");
    const s = await connectedSocket(f.broker.mqttPort, "junk-1", "junk-1", secret);
    s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
    await socketClosed(s);
    await brokerStillServes("after-garbage");
  });

  it("closes a client publishing to a topic with too many levels", async () => {
    const admin = await f.admin({ clientId: "deep" });
    admin.publish("a/b/c/d/e/f/g/h/i/j", "x", { qos: 0 });
    await closed(admin);
    await brokerStillServes("after-levels");
  });
});
