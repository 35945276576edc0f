import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { startFixture, type Fixture } from "./support/fixture";
import { metricValue, waitFor } from "./support/messages";

const TOPIC = "lab/backpressure";
const PAYLOAD = Buffer.alloc(8 * 1024, 5);
const HIGH = 256 * 1024;
const LOW = 64 * 1024;
// 4.8 MiB: far past the high-water mark. The subscriber takes QoS 1, so what it has not read
// shows as unacknowledged deliveries even while it still sits in the kernel's socket buffers.
const TOTAL = 600;
const WINDOW = 50;

/**
 * Above capacity the broker stops reading the publishers instead of queueing for subscribers
 * without bound (issue 14.2): a subscriber that falls behind makes the heavy publisher wait, and
 * once it catches up everything flows again and nothing was lost.
 */
describe("publisher backpressure", () => {
  let f: Fixture;

  beforeAll(async () => {
    // The drop cap is far above what the test sends: only backpressure can hold the publisher.
    // The stall window is long so that the frozen subscriber below counts as slow, not stalled.
    f = await startFixture(
      { EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES: String(HIGH), EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES: String(LOW), EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES: String(256 * 1024 * 1024) },
      { backpressureStallMs: 60_000 },
    );
  });
  afterAll(() => f.close());

  const metric = (name: string) => metricValue(f.broker.httpPort, name);

  it("pauses the publisher while a subscriber is behind and resumes it once the subscriber catches up", async () => {
    const subscriber = await f.admin({ clean: true });
    await subscriber.subscribeAsync(TOPIC, { qos: 1 });
    let received = 0;
    subscriber.on("message", () => received++);
    const socket = (subscriber as unknown as { stream: NodeJS.ReadableStream & { _readableState: { pipes: NodeJS.WritableStream[] } } }).stream;
    // mqtt.js reads through a pipe into its parser, which would resume a plain pause().
    const parser = socket._readableState.pipes[0];
    if (!parser) throw new Error("mqtt.js no longer pipes its stream into a parser");
    socket.unpipe();
    socket.pause();

    const publisher = await f.admin();
    let acked = 0;
    const publishing = publishAll(publisher, () => acked++);
    // Awaited below; a failed wait must not leave it unhandled when the fixture closes.
    publishing.catch(() => undefined);

    await waitFor(async () => (await metric("edgelens_broker_publishers_paused")) >= 1, "the publisher paused", 30_000);
    let maxBacklog = await metric("edgelens_broker_subscriber_backlog_bytes");
    expect(acked, "messages acknowledged while the subscriber reads nothing").toBeLessThan(TOTAL);
    // A held publisher is not read: what the broker accepted stops growing well short of the total.
    const acceptedWhileHeld = await metric("edgelens_broker_messages_in_total");
    expect(acceptedWhileHeld).toBeLessThan(TOTAL);

    socket.pipe(parser);
    await waitFor(
      async () => {
        maxBacklog = Math.max(maxBacklog, await metric("edgelens_broker_subscriber_backlog_bytes"));
        return received >= TOTAL;
      },
      `all ${TOTAL} messages at the subscriber`,
      30_000,
    );
    await publishing;
    expect(acked).toBe(TOTAL);
    await waitFor(async () => (await metric("edgelens_broker_publishers_paused")) === 0, "every publisher resumed");
    expect(await metric("edgelens_broker_backpressure_pauses_total")).toBeGreaterThanOrEqual(1);
    // Bounded: the high-water mark plus what arrives within one measurement interval.
    expect(maxBacklog, "largest subscriber backlog seen").toBeLessThan(HIGH + 2 * 1024 * 1024);
  }, 60_000);
});

/** TOTAL QoS 1 publishes, WINDOW in flight at a time (a device with a send queue). */
async function publishAll(publisher: MqttClient, onAck: () => void): Promise<void> {
  for (let i = 0; i < TOTAL; i += WINDOW) {
    await Promise.all(Array.from({ length: WINDOW }, () => publisher.publishAsync(TOPIC, PAYLOAD, { qos: 1 }).then(onAck)));
  }
}
