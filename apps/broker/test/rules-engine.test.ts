import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { eq } from "drizzle-orm";
import { events, rules } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { startFixture, type Fixture } from "./support/fixture";
import { startHttpSink } from "./support/http-sink";
import { Inbox, inferPayload, waitFor } from "./support/messages";

describe("rules engine in the broker (rules table, real messages)", () => {
  let f: Fixture;
  let cam: MqttClient;
  let admin: MqttClient;
  let inbox: Inbox;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;

  beforeAll(async () => {
    sink = await startHttpSink((i) => (i === 0 ? 500 : 200));
    f = await startFixture({ EDGELENS_WEBHOOK_ALLOW: "127.0.0.1" }, { webhookBackoffMs: 5 });
    // Rules present at start: the docs/design.md example, store, webhook, a failing one with an error action.
    f.addRule("people-alert", `SELECT counts.person AS people, topic(3) AS device FROM '${filters.allOf("infer")}' WHERE counts.person > 2`, [
      { type: "republish", topic: "alerts/${device}", qos: 1 },
    ]);
    f.addRule("store-detections", `SELECT *, topic(3) AS device FROM '${filters.allOf("infer")}' WHERE count(detections) > 0`, [{ type: "store", snapshot: true }]);
    f.addRule("hook", `SELECT counts.person AS people FROM '${filters.allOf("infer")}'`, [{ type: "webhook", url: sink.url, timeoutMs: 2000, retries: 2 }]);
    f.addRule("broken-template", `SELECT seq FROM '${filters.allOf("infer")}'`, [{ type: "republish", topic: "never/${missing}", qos: 0 }], {
      type: "republish",
      topic: "errors/${ruleName}",
      qos: 1,
    });
    f.addRule("bad-sql", "SELECT FROM nowhere", [{ type: "republish", topic: "x", qos: 0 }]);
    f.addRule("clip-crowd", `SELECT * FROM '${filters.allOf("infer")}' WHERE counts.car > 7`, [{ type: "clip", pre: 2, post: 3 }]);
    await f.restart();
    const secret = await f.addDevice("cam-1");
    cam = await f.device("cam-1", secret);
    await cam.subscribeAsync(topics.commands("cam-1"), { qos: 1 });
    admin = await f.admin();
    inbox = new Inbox(admin);
    await admin.subscribeAsync(["alerts/#", "errors/#", "loop/#", "ping/#", "pong/#", "done/#", "never/#", "reload/#"], { qos: 1 });
  });
  afterAll(async () => {
    await f.close();
    await sink.close();
  });

  it("runs the docs/design.md example: more than two people republishes to alerts/<device>", async () => {
    await cam.publishAsync(topics.infer("cam-1"), inferPayload("cam-1", 1, 1), { qos: 1 });
    await cam.publishAsync(topics.infer("cam-1"), inferPayload("cam-1", 5, 2), { qos: 1 });
    const alert = await inbox.next("alerts/cam-1");
    expect(alert.json()).toEqual({ people: 5, device: "cam-1" });
    expect(inbox.on("alerts/#")).toHaveLength(1);
  });

  it("store writes events with labels and asks the device for a snapshot", async () => {
    const camInbox = new Inbox(cam);
    const payload = JSON.parse(inferPayload("cam-1", 1, 3)) as Record<string, unknown>;
    payload.detections = [
      { label: "dog", classId: 16, score: 0.8, box: [0, 0, 1, 1] },
      { label: "hot dog", classId: 52, score: 0.7, box: [0, 0, 1, 1] },
      { label: "dog", classId: 16, score: 0.6, box: [0, 0, 1, 1] },
    ];
    await cam.publishAsync(topics.infer("cam-1"), JSON.stringify(payload), { qos: 1 });
    const row = await waitFor(() => f.db.db.select().from(events).all().find((e) => (e.payload as { seq?: number }).seq === 3), "stored event");
    expect(row).toMatchObject({ ruleName: "store-detections", ruleId: "store-detections", topic: topics.infer("cam-1"), deviceId: "cam-1", labels: "dog hot_dog" });
    expect(row.payload).toMatchObject({ device: "cam-1", projectId: "people-counter" });
    const snap = await camInbox.next(topics.commands("cam-1"), (m) => (m.json() as { id: string }).id === `event-${row.id}`);
    expect(snap.json()).toMatchObject({ cmd: "snapshot", args: { eventId: row.id, rule: "store-detections" } });
  });

  it("clip stores every event but asks the device for one clip per window: an event inside the last clip's post seconds rides on it", async () => {
    const camInbox = new Inbox(cam);
    const t0 = Date.now();
    // Cars, not people: the other rules here count people-alert's runs.
    const crowd = (seq: number, ts: number) => JSON.stringify({ ...(JSON.parse(inferPayload("cam-1", 0, seq)) as object), ts, counts: { car: 9 } });
    for (const [seq, ts] of [[101, t0], [102, t0 + 1000], [103, t0 + 4000]] as const) await cam.publishAsync(topics.infer("cam-1"), crowd(seq, ts), { qos: 1 });
    const stored = await waitFor(() => {
      const rows = f.db.db.select().from(events).where(eq(events.ruleName, "clip-crowd")).all();
      return rows.length === 3 ? rows : undefined;
    }, "three clip-crowd events");
    const idOf = (seq: number) => stored.find((e) => (e.payload as { seq?: number }).seq === seq)!.id;
    const isClip = (m: { json(): unknown }) => (m.json() as { cmd?: string }).cmd === "clip";
    const third = await camInbox.next(topics.commands("cam-1"), (m) => isClip(m) && (m.json() as { args: { eventId: number } }).args.eventId === idOf(103));
    expect(third.json()).toMatchObject({ cmd: "clip", args: { clipId: `event-${idOf(103)}`, at: t0 + 4000, pre: 2, post: 3, projectId: "people-counter" } });
    // Commands arrive in order: by the third's, a clip for the second would have come.
    const asked = camInbox.on(topics.commands("cam-1")).filter(isClip).map((m) => (m.json() as { args: { eventId: number } }).args.eventId);
    expect(asked).toEqual([idOf(101), idOf(103)]);
  });

  it("webhook POSTs each match, retrying the first failure", async () => {
    await waitFor(() => sink.requests.length >= 3, "webhook calls");
    expect(sink.requests.every((r) => r.headers["x-edgelens-rule"] === "hook")).toBe(true);
    expect(sink.requests.map((r) => JSON.parse(r.body) as unknown)).toContainEqual({ people: 5 });
  });

  it("a failing action runs the rule's error action and counts errors; other rules are unaffected", async () => {
    const err = await inbox.next("errors/broken-template");
    expect(err.json()).toMatchObject({ ruleName: "broken-template", failedAction: "republish", error: { code: "RULE_EVAL_ERROR" }, topic: topics.infer("cam-1") });
    expect(inbox.on("never/#")).toHaveLength(0);
    await waitFor(() => (f.db.db.select().from(rules).where(eq(rules.id, "broken-template")).get()?.errors ?? 0) > 0, "errors counted");
    expect(f.db.db.select().from(rules).where(eq(rules.id, "broken-template")).get()?.lastError).toMatch(/missing/);
  });

  it("counts executions into the rules table (batched)", async () => {
    await waitFor(() => f.db.db.select().from(rules).where(eq(rules.id, "people-alert")).get()?.executions === 1, "people-alert executions = 1");
    await waitFor(() => (f.db.db.select().from(rules).where(eq(rules.id, "hook")).get()?.executions ?? 0) >= 3, "hook executions");
  });

  it("a rule that does not parse is reported on its row and does not stop the others", () => {
    const bad = f.db.db.select().from(rules).where(eq(rules.id, "bad-sql")).get();
    expect(bad?.lastError).toMatch(/line 1, column 8: expected '\*' or an expression but found FROM/);
  });

  it("a rule never re-triggers on its own output, even through another rule", async () => {
    f.addRule("loop-a", "SELECT *, 1 AS hop FROM 'loop/#'", [{ type: "republish", topic: "loop/again", qos: 1 }]);
    f.addRule("loop-b", "SELECT * FROM 'loop/again'", [{ type: "republish", topic: "done/loop", qos: 1 }]);
    f.addRule("ping", "SELECT * FROM 'ping/#'", [{ type: "republish", topic: "pong/x", qos: 1 }]);
    f.addRule("pong", "SELECT * FROM 'pong/#'", [{ type: "republish", topic: "ping/y", qos: 1 }]);
    f.addRule("ping-end", "SELECT * FROM 'ping/y'", [{ type: "republish", topic: "done/ping", qos: 1 }]);
    // Inserted last: once it answers, every rule above is loaded too.
    f.addRule("ready", "SELECT * FROM 'ready/probe'", [{ type: "republish", topic: "done/ready", qos: 1 }]);
    await waitFor(async () => {
      await admin.publishAsync("ready/probe", "{}", { qos: 1 });
      return inbox.on("done/ready").length > 0;
    }, "loop rules loaded");
    await admin.publishAsync("loop/start", JSON.stringify({ n: 1 }), { qos: 1 });
    await admin.publishAsync("ping/start", JSON.stringify({ n: 1 }), { qos: 1 });
    await inbox.next("done/loop");
    await inbox.next("done/ping");
    // loop-a ran on loop/start only, never on its own loop/again; ping -> pong -> ping stopped at ping.
    expect(inbox.on("loop/again")).toHaveLength(1);
    expect(inbox.on("loop/again")[0]?.json()).toEqual({ n: 1, hop: 1 });
    expect(inbox.on("pong/x")).toHaveLength(1);
    expect(inbox.on("ping/y")).toHaveLength(1);
  });

  it("reloads when a rule changes in the database", async () => {
    f.addRule("reload-me", "SELECT 'v1' AS v FROM 'reload/in'", [{ type: "republish", topic: "reload/out1", qos: 1 }]);
    await waitFor(async () => {
      await admin.publishAsync("reload/in", "{}", { qos: 1 });
      return inbox.on("reload/out1").length > 0;
    }, "rule v1 active");
    f.db.db
      .update(rules)
      .set({ sql: "SELECT 'v2' AS v FROM 'reload/in'", actions: [{ type: "republish", topic: "reload/out2", qos: 1 }], updatedAt: Date.now() })
      .where(eq(rules.id, "reload-me"))
      .run();
    const v2 = await waitFor(async () => {
      await admin.publishAsync("reload/in", "{}", { qos: 1 });
      return inbox.on("reload/out2")[0];
    }, "rule v2 active");
    expect(v2.json()).toEqual({ v: "v2" });
  });
});
