import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { startFixture, type Fixture } from "./support/fixture";
import { closed, metricValue, waitFor } from "./support/messages";

const TOPIC = "lab/slow-subscriber";
const PAYLOAD = Buffer.alloc(8 * 1024, 7);
// 32 MiB: more than the loopback socket buffers and the cap together, and more messages than
// aedes has delivery slots (1000) for a client that never completes one.
const COUNT = 4000;

/**
 * aedes completes a publish only when every subscriber's socket took it, and reads the
 * publisher's next packet only then: one subscriber that stops reading (a frozen browser tab, a
 * phone on a bad link) used to stall every publisher on its topics for up to a minute.
 */
describe("a subscriber that stops reading stalls nobody", () => {
  let f: Fixture;
  let frozen: MqttClient;
  let healthy: MqttClient;

  beforeAll(async () => {
    // The offline-session queue bound (16 MiB by default, client-limits.test.ts) is set above the
    // 24 MiB this suite queues for one session: here the point is that a slow-consumer drop keeps it.
    f = await startFixture({ EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES: String(4 * 1024 * 1024), EDGELENS_BROKER_MAX_SESSION_QUEUE_BYTES: String(32 * 1024 * 1024) });
    frozen = await f.admin({ clean: true });
    await frozen.subscribeAsync(TOPIC, { qos: 0 });
    healthy = await f.admin({ clean: true });
    await healthy.subscribeAsync(TOPIC, { qos: 1 });
  });
  afterAll(() => f.close());

  it("keeps delivering to the others and drops the frozen one once its backlog passes the cap", async () => {
    // The frozen client's socket stops being read: the kernel buffers fill, then the broker's.
    const socket = (frozen as unknown as { stream: NodeJS.ReadableStream }).stream;
    socket.unpipe(); // mqtt.js reads through a pipe, which would resume a plain pause()
    socket.pause();
    let received = 0;
    healthy.on("message", () => received++);
    const publisher = await f.admin();
    for (let i = 0; i < COUNT; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => publisher.publishAsync(TOPIC, PAYLOAD, { qos: 1 })));
    }
    await waitFor(() => received >= COUNT, `all ${COUNT} messages at the healthy subscriber`, 20_000);
    await waitFor(() => metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="slow-consumer"').then((n) => n === 1), "the frozen client dropped");
    socket.resume();
    await closed(frozen);
  }, 60_000);

  it("a persistent session dropped that way gets every QoS 1 message after it reconnects", async () => {
    const options = { clientId: "frozen-persistent", clean: false, ...(await f.token("viewer", "frozen-persistent")) };
    const sleeper = await f.connect(options);
    await sleeper.subscribeAsync(TOPIC, { qos: 1 });
    const socket = (sleeper as unknown as { stream: NodeJS.ReadableStream }).stream;
    socket.unpipe();
    socket.pause();
    const publisher = await f.admin();
    const total = 3000;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => publisher.publishAsync(TOPIC, numbered(i + j), { qos: 1 })));
    }
    await waitFor(() => metricValue(f.broker.httpPort, "edgelens_broker_clients_dropped_total", 'reason="slow-consumer"').then((n) => n === 2), "the persistent client dropped");
    socket.resume();
    await closed(sleeper);

    const back = await f.connect(options);
    const seen = new Set<number>();
    back.on("message", (_topic, payload) => seen.add(payload.readUInt32BE(0)));
    await waitFor(() => seen.size === total, `all ${total} queued messages after reconnecting`, 30_000).catch(() => undefined);
    expect(total - seen.size, "messages the persistent session never got").toBe(0);
  }, 90_000);
});

function numbered(n: number): Buffer {
  const payload = Buffer.alloc(PAYLOAD.length, 7);
  payload.writeUInt32BE(n, 0);
  return payload;
}
