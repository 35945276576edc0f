import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "@edgelens/db";
import { Readable } from "node:stream";
import { listDeviceClips, receiveClip } from "../src/server/services/clips";
import { EVENTS_CSV_HEADER, exportEventsCsv, listEvents } from "../src/server/services/events";
import { createRule, deleteRule, listRules, setRuleEnabled, testRule, updateRule } from "../src/server/services/rules";
import { tempContext, type TempContext } from "./support/temp-context";
import { filters, topics } from "@edgelens/shared/topics";

const SQL = `SELECT deviceId, counts.person AS people FROM '${filters.allOf("infer")}' WHERE counts.person > 2`;

describe("rules and events", () => {
  let t: TempContext;
  beforeAll(() => {
    // Small clip bounds: 3 clips and 1 MiB per device.
    t = tempContext({ EDGELENS_CLIPS_MAX_PER_DEVICE: "3", EDGELENS_CLIPS_MAX_MB_PER_DEVICE: "1" });
  });
  afterAll(async () => t.cleanup());

  it("keeps a device's clips within the count and byte bounds, the oldest going first with their files", async () => {
    const clip = (i: number, bytes: number) =>
      receiveClip(t.ctx, "cam-9", { clipId: `c-${i}`, at: i, pre: 1, post: 1, durationMs: 2000 }, Readable.from([Buffer.alloc(bytes, i)]));
    for (let i = 1; i <= 4; i++) await clip(i, 100_000);
    expect(listDeviceClips(t.ctx, "cam-9").map((c) => c.clipId)).toEqual(["c-4", "c-3", "c-2"]);
    // 700 kB more passes 1 MiB in all: the oldest go until it fits.
    await clip(5, 700_000);
    expect(listDeviceClips(t.ctx, "cam-9").map((c) => c.clipId)).toEqual(["c-5", "c-4", "c-3"]);
    await expect(clip(6, 2 * 1024 * 1024)).rejects.toMatchObject({ code: "TOO_LARGE", message: expect.stringMatching(/EDGELENS_CLIPS_MAX_MB_PER_DEVICE/) });
    // Another device's clips are not touched by cam-9's bounds.
    await receiveClip(t.ctx, "cam-8", { clipId: "c-1", at: 1, pre: 1, post: 1 }, Readable.from([Buffer.alloc(10, 1)]));
    expect(listDeviceClips(t.ctx, "cam-8")).toHaveLength(1);
    expect(listDeviceClips(t.ctx, "cam-9")).toHaveLength(3);
  });

  it("creates, updates, disables and deletes rules", () => {
    const rule = createRule(t.ctx, { name: "crowd", sql: SQL, actions: [{ type: "store" }] });
    expect(rule).toMatchObject({ enabled: true, executions: 0, actions: [{ type: "store", snapshot: false }] });
    expect(() => createRule(t.ctx, { name: "crowd", sql: SQL, actions: [{ type: "store" }] })).toThrow(/exists/);
    expect(setRuleEnabled(t.ctx, rule.id, false).enabled).toBe(false);
    const changed = updateRule(t.ctx, rule.id, { actions: [{ type: "republish", topic: "alerts/${deviceId}" }] });
    expect(changed.actions).toEqual([{ type: "republish", topic: "alerts/${deviceId}", qos: 0 }]);
    expect(listRules(t.ctx)).toHaveLength(1);
    deleteRule(t.ctx, rule.id);
    expect(listRules(t.ctx)).toHaveLength(0);
  });

  it("refuses SQL the broker could not run, pointing at the spot", () => {
    expect(() => createRule(t.ctx, { name: "bad", sql: "SELECT * FORM 'x'", actions: [{ type: "store" }] })).toThrow(
      expect.objectContaining({ code: "RULE_PARSE_ERROR", context: expect.objectContaining({ line: 1, column: 10 }) }),
    );
    expect(() => createRule(t.ctx, { name: "bad", sql: SQL, actions: [] })).toThrow(/actions/);
  });

  it("tests a rule on a sample message with the broker's engine", () => {
    const hit = testRule({ sql: SQL, topic: topics.infer("cam-1"), payload: { deviceId: "cam-1", counts: { person: 3 } }, templates: ["alerts/${deviceId}"] });
    expect(hit).toMatchObject({ ok: true, topicMatches: true, matched: true, output: { deviceId: "cam-1", people: 3 }, templates: [{ topic: "alerts/cam-1" }] });
    const miss = testRule({ sql: SQL, topic: topics.infer("cam-1"), payload: { counts: { person: 1 } } });
    expect(miss).toMatchObject({ ok: true, matched: false });
    expect(testRule({ sql: "SELECT", topic: "a", payload: {} })).toMatchObject({ ok: false, error: { code: "RULE_PARSE_ERROR" } });
  });

  it("filters events by device, label and time, pages them and exports CSV", async () => {
    const base = Date.UTC(2026, 0, 1, 12, 0, 0);
    const rows = Array.from({ length: 7 }, (_, i) => ({
      ruleId: "rul_x",
      ruleName: "crowd",
      topic: topics.infer(`cam-${i % 2}`),
      deviceId: `cam-${i % 2}`,
      labels: i % 3 === 0 ? "person hot dog" : "person",
      payload: { people: i, note: 'say "hi", ok' },
      ts: base + i * 60_000,
    }));
    t.ctx.db.insert(events).values(rows).run();
    expect(listEvents(t.ctx, { deviceId: "cam-0" }).events.map((e) => e.payload.people)).toEqual([6, 4, 2, 0]);
    expect(listEvents(t.ctx, { label: "hot dog" }).events.map((e) => e.payload.people)).toEqual([6, 3, 0]);
    expect(listEvents(t.ctx, { from: base + 2 * 60_000, to: new Date(base + 4 * 60_000).toISOString() }).events).toHaveLength(3);
    const first = listEvents(t.ctx, { limit: 4 });
    expect(first.events).toHaveLength(4);
    const second = listEvents(t.ctx, { limit: 4, beforeId: first.nextBeforeId! });
    expect(second.events).toHaveLength(3);
    expect(second.nextBeforeId).toBeNull();

    let csv = "";
    for await (const chunk of exportEventsCsv(t.ctx, { deviceId: "cam-1" })) csv += chunk;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(EVENTS_CSV_HEADER);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`2026-01-01T12:05:00.000Z,crowd,cam-1,${topics.infer("cam-1")},person,`);
    expect(lines[1]).toContain('"{""people"":5,""note"":""say \\""hi\\"", ok""}"');
  });
});
