import { afterEach, describe, expect, it } from "vitest";
import { EdgelensError } from "@edgelens/shared/errors";
import { WebhookAction } from "../src/rules/actions/webhook";
import { WorkQueue } from "../src/rules/actions/work-queue";
import type { RuleActionInput } from "../src/rules/rule-action";
import { startHttpSink } from "./support/http-sink";
import { parseWebhookAllow } from "@edgelens/shared";
import { topics } from "@edgelens/shared/topics";

/** The sinks listen on loopback, which the policy refuses unless allowed (rules-webhook-policy.test.ts). */
const LOOPBACK_ALLOWED = parseWebhookAllow("127.0.0.1");

const input: RuleActionInput = {
  rule: { id: "r1", name: "people-alert" },
  topic: topics.infer("cam-1"),
  clientId: "cam-1",
  deviceId: "cam-1",
  output: { people: 3, device: "cam-1" },
  input: {},
  timestamp: 1,
  lineage: ["r1"],
};

describe("webhook action (real HTTP on loopback)", () => {
  const sinks: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
  });

  const action = (url: string, extra: { retries?: number; timeoutMs?: number; headers?: Record<string, string> } = {}, queue = new WorkQueue(4, 100)) =>
    new WebhookAction({ type: "webhook", url, retries: extra.retries ?? 2, timeoutMs: extra.timeoutMs ?? 2000, ...(extra.headers ? { headers: extra.headers } : {}) }, queue, LOOPBACK_ALLOWED, 5);

  it("POSTs the SELECT output as JSON with the rule name and configured headers", async () => {
    const sink = await startHttpSink();
    sinks.push(sink);
    await action(sink.url, { headers: { authorization: "Bearer t" } }).execute(input);
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({ method: "POST", path: "/hook" });
    expect(JSON.parse(sink.requests[0]?.body ?? "")).toEqual({ people: 3, device: "cam-1" });
    expect(sink.requests[0]?.headers).toMatchObject({ "content-type": "application/json", "x-edgelens-rule": "people-alert", authorization: "Bearer t" });
  });

  it("retries 5xx and succeeds on a later attempt", async () => {
    const sink = await startHttpSink((i) => (i < 2 ? 503 : 200));
    sinks.push(sink);
    await action(sink.url, { retries: 2 }).execute(input);
    expect(sink.requests).toHaveLength(3);
  });

  it("gives up after the retries with ACTION_FAILED naming the last status", async () => {
    const sink = await startHttpSink(() => 500);
    sinks.push(sink);
    const err = await action(sink.url, { retries: 1 }).execute(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgelensError);
    expect((err as EdgelensError).code).toBe("ACTION_FAILED");
    expect((err as Error).message).toMatch(/HTTP 500/);
    expect(sink.requests).toHaveLength(2);
  });

  it("does not retry a 4xx other than 408/429", async () => {
    const sink = await startHttpSink(() => 404);
    sinks.push(sink);
    await expect(action(sink.url, { retries: 3 }).execute(input)).rejects.toThrow(/HTTP 404/);
    expect(sink.requests).toHaveLength(1);
  });

  it("times out each attempt and retries, then fails", async () => {
    const sink = await startHttpSink(() => "hang");
    sinks.push(sink);
    await expect(action(sink.url, { retries: 1, timeoutMs: 150 }).execute(input)).rejects.toThrow(/timed out after 150 ms/);
    expect(sink.requests).toHaveLength(2);
  });

  it("fails (does not block) when nobody listens", async () => {
    const sink = await startHttpSink();
    const url = sink.url;
    await sink.close();
    await expect(action(url, { retries: 1 }).execute(input)).rejects.toThrow(/webhook POST/);
  });

  it("refuses work beyond the queue's capacity instead of piling it up", async () => {
    const sink = await startHttpSink(() => "hang");
    sinks.push(sink);
    const queue = new WorkQueue(1, 1);
    const a = action(sink.url, { retries: 0, timeoutMs: 300 }, queue);
    const first = a.execute(input).catch((e: unknown) => e);
    const second = a.execute(input).catch((e: unknown) => e);
    const third = await a.execute(input).catch((e: unknown) => e);
    expect((third as EdgelensError).code).toBe("RATE_LIMITED");
    expect(await first).toBeInstanceOf(Error);
    expect(await second).toBeInstanceOf(Error);
  });
});
