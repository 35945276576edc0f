import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devices, events } from "@edgelens/db";
import { InferCounter, peopleIn } from "../src/server/live/infer-counter";
import { getDashboardStats } from "../src/server/services/dashboard";
import { getOnboarding } from "../src/server/services/onboarding";
import { registerDevice } from "../src/server/services/devices";
import { tempContext, type TempContext } from "./support/temp-context";

describe("dashboard", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext();
  });
  afterAll(async () => t.cleanup());

  it("counts people by the function's count, else by person boxes", () => {
    expect(peopleIn({ counts: { person: 4 } })).toBe(4);
    const box: [number, number, number, number] = [0, 0, 1, 1];
    expect(peopleIn({ detections: [{ label: "person", classId: 0, score: 1, box }, { label: "dog", classId: 16, score: 1, box }] })).toBe(1);
    expect(peopleIn({})).toBe(0);
  });

  it("keeps per-minute results and each device's peak people count", () => {
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 10);
    const c = new InferCounter(60, t0);
    c.record({ deviceId: "a", counts: { person: 2 } }, t0);
    c.record({ deviceId: "a", counts: { person: 5 } }, t0 + 1000);
    c.record({ deviceId: "b", counts: { person: 1 } }, t0 + 2000);
    c.record({ deviceId: "a", counts: { person: 1 } }, t0 + 60_000);
    const series = c.series(t0 + 60_000);
    expect(series).toHaveLength(60);
    expect(series.at(-2)).toEqual({ minute: Date.UTC(2026, 0, 1, 12, 0, 0), results: 3, people: 6 });
    expect(series.at(-1)).toEqual({ minute: Date.UTC(2026, 0, 1, 12, 1, 0), results: 1, people: 1 });
    expect(c.series(t0 + 3 * 3600_000).every((b) => b.results === 0)).toBe(true);
  });

  it("counts devices by presence and registration", async () => {
    await registerDevice(t.ctx, { id: "cam-a" });
    await registerDevice(t.ctx, { id: "cam-b" });
    t.ctx.db.update(devices).set({ presence: "online", registration: "registered" }).run();
    await registerDevice(t.ctx, { id: "cam-c" });
    const s = getDashboardStats(t.ctx);
    expect(s.devices).toEqual({ total: 3, online: 2, offline: 1, awaiting: 1 });
    expect(s.deployments).toEqual({ inProgress: 0, failed24h: 0, running: 0 });
    expect(s.perMinute).toHaveLength(60);
    expect(s.eventsPerMinute).toHaveLength(60);
    const now = Date.now();
    t.ctx.db.insert(events).values([0, 1, 61].map((ago) => ({ ruleName: "r", topic: "t", payload: {}, ts: now - ago * 1000 }))).run();
    const counted = getDashboardStats(t.ctx, now).eventsPerMinute;
    expect(counted.reduce((a, b) => a + b.events, 0)).toBe(3);
    expect(counted.at(-1)!.events).toBeGreaterThanOrEqual(1);
  });
});

describe("onboarding steps", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext();
  });
  afterAll(async () => t.cleanup());

  it("reads each step from the fleet's own rows", async () => {
    expect(getOnboarding(t.ctx)).toEqual({ device: false, project: false, deployment: false, rule: false, done: false });
    await registerDevice(t.ctx, { id: "cam-on" });
    expect(getOnboarding(t.ctx)).toMatchObject({ device: true, project: false, done: false });
  });
});
