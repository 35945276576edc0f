import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { Inbox } from "./support/messages";

describe("retained messages and QoS 1 sessions survive a broker restart", () => {
  let f: Fixture;
  let secret: string;

  beforeAll(async () => {
    f = await startFixture();
    secret = await f.addDevice("cam-p");
  });
  afterAll(() => f.close());

  it("keeps a retained shadow/desired and a command queued for an offline persistent session", async () => {
    // The device subscribes with a persistent session, then goes away.
    const cam = await f.device("cam-p", secret, { clean: false });
    await cam.subscribeAsync(topics.commands("cam-p"), { qos: 1 });
    await cam.endAsync();

    const admin = await f.admin();
    const desired = { deploymentId: "dep-7", project: null, function: null, models: {}, config: {} };
    await admin.publishAsync(topics.shadowDesired("cam-p"), JSON.stringify(desired), { qos: 1, retain: true });
    await admin.publishAsync(topics.commands("cam-p"), JSON.stringify({ cmd: "restart-project", id: "c-1" }), { qos: 1 });
    await admin.endAsync();

    await f.restart();

    let inbox: Inbox | undefined;
    const back = await f.device("cam-p", secret, { clean: false }, (client) => (inbox = new Inbox(client)));
    if (!inbox) throw new Error("no inbox");
    expect(back.connected).toBe(true);
    const queued = await inbox.next(topics.commands("cam-p"));
    expect(queued.json()).toEqual({ cmd: "restart-project", id: "c-1" });

    await back.subscribeAsync(topics.shadowDesired("cam-p"), { qos: 1 });
    const retained = await inbox.next(topics.shadowDesired("cam-p"));
    expect(retained.retain).toBe(true);
    expect(retained.json()).toEqual(desired);
  });
});
