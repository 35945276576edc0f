import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filters, topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { inferPayload } from "./support/messages";

/**
 * Durable acknowledgement in one process (the crash test is apps/agent/test/durable-ack.test.ts):
 * when a device holds the PUBACK (QoS 1) or has finished the PUBREC/PUBREL/PUBCOMP exchange
 * (QoS 2), the `store` rule's event is already committed: another connection reads it at once.
 */
describe("durable acknowledgement", () => {
  let f: Fixture;
  let secret: string;
  const storedSeqs = () => new Set(f.db.sqlite.prepare("SELECT json_extract(payload, '$.seq') FROM events").pluck().all() as number[]);

  beforeAll(async () => {
    f = await startFixture();
    secret = await f.addDevice("cam-a");
    f.addRule("keep", `SELECT seq FROM '${filters.allOf("infer")}'`, [{ type: "store", snapshot: false }]);
    await f.restart(); // loads the rule now instead of on the next poll
  });
  afterAll(() => f.close());

  it("sends a QoS 1 PUBACK only after the store event is committed, in a burst too", async () => {
    const cam = await f.device("cam-a", secret);
    for (let seq = 1; seq <= 20; seq++) {
      await cam.publishAsync(topics.infer("cam-a"), inferPayload("cam-a", 1, seq), { qos: 1 });
      expect(storedSeqs().has(seq), `event of seq ${seq} when its PUBACK arrived`).toBe(true);
    }
    const burst = Array.from({ length: 200 }, (_, i) => 100 + i);
    await Promise.all(
      burst.map((seq) =>
        cam.publishAsync(topics.infer("cam-a"), inferPayload("cam-a", 1, seq), { qos: 1 }).then(() => {
          expect(storedSeqs().has(seq), `event of seq ${seq} when its PUBACK arrived`).toBe(true);
        }),
      ),
    );
  });

  it("finishes a QoS 2 exchange only after the store event is committed", async () => {
    const cam = await f.device("cam-a", secret, { clientId: "cam-a:q2" });
    for (let seq = 1000; seq < 1010; seq++) {
      await cam.publishAsync(topics.infer("cam-a"), inferPayload("cam-a", 1, seq), { qos: 2 });
      expect(storedSeqs().has(seq), `event of seq ${seq} when its PUBCOMP arrived`).toBe(true);
    }
  });
});
