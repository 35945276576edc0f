import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { filters, topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { inferPayload, waitFor } from "./support/messages";

/** Sequence numbers of the results a client received, in arrival order. */
function collectSeqs(client: MqttClient): number[] {
  const seqs: number[] = [];
  client.on("message", (topic, payload) => {
    if (topic.endsWith("/infer")) seqs.push((JSON.parse(payload.toString()) as { seq: number }).seq);
  });
  return seqs;
}

const telemetry = (fps: number) => JSON.stringify({ fps, latencyMs: { p50: 10, p95: 20 }, cpu: 50, rssMb: 100, droppedFrames: 0, spoolDepth: 0, ts: Date.now() });

const missing = (seen: number[], upTo: number) => {
  const got = new Set(seen);
  return Array.from({ length: upTo }, (_, i) => i + 1).filter((s) => !got.has(s));
};

/**
 * With a persistent QoS 1 session subscribed, aedes used to emit a burst of publishes out of
 * order and then skip the overtaken ones for every online client (src/delivery/duplicate-filter.ts).
 * A burst is what an agent's spool sends after a broker restart, mixed with QoS 0 telemetry
 * (emitted without waiting for LevelDB, so it overtakes results most often).
 */
describe("every acknowledged result reaches online and persistent subscribers across a broker restart", () => {
  const BEFORE = 10;
  const BURST = 200;
  let f: Fixture;
  let secret: string;

  beforeAll(async () => {
    f = await startFixture();
    secret = await f.addDevice("cam-r");
  });
  afterAll(() => f.close());

  it("loses none of a burst published right after the restart", async () => {
    const persistent = { clientId: "sub-r", clean: false, ...(await f.token("viewer", "sub-r")) };
    const sub = await f.connect(persistent);
    await sub.subscribeAsync(filters.allOf("infer"), { qos: 1 });
    const before = collectSeqs(sub);
    const cam = await f.device("cam-r", secret);
    for (let seq = 1; seq <= BEFORE; seq++) await cam.publishAsync(topics.infer("cam-r"), inferPayload("cam-r", 1, seq), { qos: 1 });
    await waitFor(() => before.length >= BEFORE, "the results before the restart");
    await cam.endAsync();
    await sub.endAsync();

    await f.restart();
    const resumed = await f.connect(persistent);
    const after = collectSeqs(resumed);
    await resumed.subscribeAsync(filters.allOf("telemetry"), { qos: 0 });
    const online = await f.admin();
    await online.subscribeAsync({ [filters.allOf("infer")]: { qos: 1 }, [filters.allOf("telemetry")]: { qos: 0 } });
    const onlineSeqs = collectSeqs(online);

    const cam2 = await f.device("cam-r", secret);
    const seqs = Array.from({ length: BURST }, (_, i) => BEFORE + 1 + i);
    await Promise.all(
      seqs.flatMap((seq) => [
        cam2.publishAsync(topics.infer("cam-r"), inferPayload("cam-r", 1, seq), { qos: 1 }),
        cam2.publishAsync(topics.telemetry("cam-r"), telemetry(seq), { qos: 0 }),
      ]),
    );
    const total = BEFORE + BURST;
    await waitFor(() => missing([...before, ...after], total).length === 0 && onlineSeqs.length >= BURST, "every result on both subscribers", 10_000).catch(() => undefined);
    expect(missing([...before, ...after], total)).toEqual([]);
    expect(missing([...Array.from({ length: BEFORE }, (_, i) => i + 1), ...onlineSeqs], total)).toEqual([]);
    // One copy each for the clean subscriber (the persistent one may get a queued copy again).
    expect(onlineSeqs.length).toBe(BURST);
  });

  it("delivers one copy to a client whose subscriptions overlap", async () => {
    const cam = await f.device("cam-r", secret);
    const watcher = await f.admin();
    await watcher.subscribeAsync(filters.allOf("infer"), { qos: 1 });
    await watcher.subscribeAsync(topics.infer("cam-r"), { qos: 1 });
    const seqs = collectSeqs(watcher);
    for (let seq = 1; seq <= 5; seq++) await cam.publishAsync(topics.infer("cam-r"), inferPayload("cam-r", 1, seq), { qos: 1 });
    await waitFor(() => seqs.length >= 5, "the five results");
    // A sentinel after them: once it is in, any second copy of 1–5 would be too.
    await cam.publishAsync(topics.infer("cam-r"), inferPayload("cam-r", 1, 6), { qos: 1 });
    await waitFor(() => seqs.includes(6), "the sentinel");
    expect(seqs.filter((s) => s <= 5).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
