import mqtt, { type IClientOptions } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusalCode, startFixture, type Fixture } from "./support/fixture";

/**
 * Issue 13 item 7: failed CONNECTs lock out the (username, address) that failed, not every
 * client of that address; behind the reverse proxy the address comes from X-Forwarded-For.
 */
describe("auth lockout per (username, client address)", () => {
  let f: Fixture;
  let camSecret: string;
  let otherSecret: string;

  beforeAll(async () => {
    f = await startFixture({ EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE: "3" });
    camSecret = await f.addDevice("cam-a");
    otherSecret = await f.addDevice("cam-b");
  });
  afterAll(() => f.close());

  const ws = (forwardedFor: string, opts: IClientOptions) => ({ ...opts, wsOptions: { headers: { "x-forwarded-for": forwardedFor } } });
  const wsUrl = () => `ws://127.0.0.1:${f.broker.wsPort}/mqtt`;

  it("a client guessing one username does not lock out other devices or users from the same address", async () => {
    for (let i = 0; i < 3; i++) expect(await refusalCode(f.url, { clientId: "cam-a", username: "cam-a", password: `bad-${i}-0123456789` })).toBe(4);
    expect(await refusalCode(f.url, { clientId: "cam-a", username: "cam-a", password: camSecret })).toBe(5);
    const other = await f.device("cam-b", otherSecret);
    expect(other.connected).toBe(true);
    const browser = await f.connect({ clientId: "browser-1", ...(await f.token("viewer", "v-1")) });
    expect(browser.connected).toBe(true);
  });

  it("behind the proxy (loopback peer), browsers are told apart by X-Forwarded-For", async () => {
    const creds = await f.token("viewer", "v-2");
    for (let i = 0; i < 3; i++) {
      expect(await refusalCode(wsUrl(), ws("203.0.113.5", { clientId: `w-${i}`, username: creds.username, password: `${creds.password}x` }))).toBe(4);
    }
    // The guesser's own address is locked out for that username, even with the right token...
    expect(await refusalCode(wsUrl(), ws("203.0.113.5", { clientId: "w-x", ...creds }))).toBe(5);
    // ...the same user from another browser behind the same proxy is not.
    const good = await mqtt.connectAsync(wsUrl(), ws("198.51.100.7", { clientId: "w-ok", reconnectPeriod: 0, ...creds }));
    expect(good.connected).toBe(true);
    await good.endAsync();
  });
});
