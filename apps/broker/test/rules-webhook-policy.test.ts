/**
 * Webhook SSRF: a rule must not reach the console's API, the broker's metrics port or anything
 * else local unless the operator allows it, and its error must not tell an open port from a
 * closed one (lastError is readable by viewers).
 */
import { createServer, type Server } from "node:http";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { EMPTY_WEBHOOK_ALLOW, parseWebhookAllow, webhookAddressAllowed, type WebhookAllowList } from "@edgelens/shared";
import { topics } from "@edgelens/shared/topics";
import { parseBrokerConfig } from "../src/config";
import { WebhookAction } from "../src/rules/actions/webhook";
import { WorkQueue } from "../src/rules/actions/work-queue";
import type { RuleActionInput } from "../src/rules/rule-action";
import { freePort } from "@edgelens/tooling/processes";
import { startHttpSink } from "./support/http-sink";

const input: RuleActionInput = {
  rule: { id: "r1", name: "ssrf" },
  topic: topics.infer("cam-1"),
  clientId: "cam-1",
  deviceId: "cam-1",
  output: { email: "intruder@evil.test", password: "intruder-password", role: "admin" },
  input: {},
  timestamp: 1,
  lineage: ["r1"],
};

const hook = (url: string, allow: WebhookAllowList) => new WebhookAction({ type: "webhook", url, retries: 1, timeoutMs: 2000, headers: { authorization: "Bearer stolen" } }, new WorkQueue(2, 10), allow, 5);

/** Answers every request with a redirect to `location`. */
async function startRedirector(location: string): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(307, { location }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://localhost:${port}/hook`, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("webhook target policy in the broker (real HTTP on loopback)", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it("refuses a loopback target by default: nothing is sent, and the error says refused by policy", async () => {
    const sink = await startHttpSink();
    closers.push(() => sink.close());
    const err = (await hook(sink.url, EMPTY_WEBHOOK_ALLOW).execute(input).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe("ACTION_FAILED");
    expect(err.message).toMatch(/refused by policy$/);
    expect(sink.requests).toHaveLength(0);
  });

  it("answers an open and a closed local port alike (no port scanning through lastError)", async () => {
    const sink = await startHttpSink(() => 404);
    closers.push(() => sink.close());
    const open = (await hook(sink.url, EMPTY_WEBHOOK_ALLOW).execute(input).catch((e: unknown) => e)) as Error;
    const closedUrl = `http://127.0.0.1:${await freePort()}/hook`;
    const closed = (await hook(closedUrl, EMPTY_WEBHOOK_ALLOW).execute(input).catch((e: unknown) => e)) as Error;
    expect(open.message.replace(sink.url, "URL")).toBe(closed.message.replace(closedUrl, "URL"));
    expect(closed.message).not.toMatch(/ECONNREFUSED|HTTP \d/);
  });

  it("checks the addresses a name resolves to", async () => {
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    const local = addresses.length > 0 && addresses.every((a) => !webhookAddressAllowed(a.address, EMPTY_WEBHOOK_ALLOW));
    expect(local, `${name} resolves to ${JSON.stringify(addresses)}: this test needs a host name with a private address`).toBe(true);
    const sink = await startHttpSink();
    closers.push(() => sink.close());
    const port = new URL(sink.url).port;
    await expect(hook(`http://${name}:${port}/hook`, EMPTY_WEBHOOK_ALLOW).execute(input)).rejects.toThrow(/refused by policy$/);
    expect(sink.requests).toHaveLength(0);
  });

  it("checks every redirect: an allowed host cannot bounce the call to a refused one", async () => {
    const sink = await startHttpSink();
    closers.push(() => sink.close());
    const redirector = await startRedirector(sink.url);
    closers.push(() => redirector.close());
    await expect(hook(redirector.url, parseWebhookAllow("localhost")).execute(input)).rejects.toThrow(/refused by policy$/);
    expect(redirector.hits()).toBe(1);
    expect(sink.requests).toHaveLength(0);
  });

  it("delivers to a local target the operator allowed (EDGELENS_WEBHOOK_ALLOW)", async () => {
    const sink = await startHttpSink();
    closers.push(() => sink.close());
    await hook(sink.url, parseWebhookAllow("127.0.0.0/8")).execute(input);
    expect(sink.requests).toHaveLength(1);
  });

  it("reads EDGELENS_WEBHOOK_ALLOW once at start and names a bad entry", () => {
    expect(parseBrokerConfig({ EDGELENS_WEBHOOK_ALLOW: "hooks.lan, 10.20.0.0/16" }).webhookAllow.cidrs).toHaveLength(1);
    expect(() => parseBrokerConfig({ EDGELENS_WEBHOOK_ALLOW: "hooks.lan,10.0.0.0/99" })).toThrow(/EDGELENS_WEBHOOK_ALLOW: 10.0.0.0\/99/);
  });
});
