import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { inferPayload, waitFor } from "./support/messages";

/**
 * aedes acknowledges a QoS 1 publish before it runs it through persistence, subscribers and our
 * rules. A broker stopping in that window used to lose a result the device had already deleted
 * from its spool. Whatever got a PUBACK must be in the events a `store` rule writes.
 */
describe("a broker stopping under load stores every result it acknowledged", () => {
  let f: Fixture;
  let secret: string;

  beforeAll(async () => {
    f = await startFixture();
    secret = await f.addDevice("cam-s");
    f.addRule("store-all", `SELECT seq FROM '${filters.allOf("infer")}'`, [{ type: "store", snapshot: false }]);
    await f.restart(); // rules load at start
  });
  afterAll(() => f.close());

  it("stops mid-burst without losing an acknowledged result", async () => {
    const cam = await f.device("cam-s", secret);
    cam.on("error", () => undefined);
    const acked = new Set<number>();
    let stopping: Promise<void> | null = null;
    for (let seq = 1; seq <= 1000; seq++) {
      cam.publish(topics.infer("cam-s"), inferPayload("cam-s", 1, seq), { qos: 1 }, (err) => {
        if (err) return;
        acked.add(seq);
        if (acked.size === 50) stopping = f.broker.close();
      });
    }
    await waitFor(() => stopping !== null, "50 acknowledged results");
    await stopping;
    cam.end(true);
    expect(acked.size).toBeGreaterThanOrEqual(50);
    const stored = new Set(f.db.db.select().from(events).all().map((e) => (e.payload as { seq: number }).seq));
    expect([...acked].filter((seq) => !stored.has(seq)).sort((a, b) => a - b)).toEqual([]);
  });
});
