import { describe, expect, it } from "vitest";
import { RolloutParamsSchema, type RolloutParamsInput } from "@edgelens/shared";
import { batchSize, planRollout, rateHeldUntil, type PlanDevice } from "../src/server/services/rollout-plan";

const T0 = 1_000_000;
const params = (p: RolloutParamsInput = {}) => RolloutParamsSchema.parse({ soakS: 0, ...p });
const pending = (n: number): PlanDevice[] => Array.from({ length: n }, (_, i) => ({ id: `d${i}`, state: "pending", batch: null, notifiedAt: null }));
type Report = NonNullable<PlanDevice["deployment"]>;
const report = (state: Report["state"], extra: Partial<Report> = {}): Report => ({ state, reason: null, soak: null, unpublished: false, ...extra });

/** Marks devices told in `batch` at `at`, with what they reported. */
function told(devices: PlanDevice[], ids: string[], batch: number, at: number, r: Report = report("queued")): PlanDevice[] {
  return devices.map((d) => (ids.includes(d.id) ? { ...d, state: "notified", batch, notifiedAt: at, deployment: r } : d));
}
function finish(devices: PlanDevice[], ids: string[], state: "running" | "failed"): PlanDevice[] {
  return devices.map((d) => (ids.includes(d.id) ? { ...d, state, deployment: report(state) } : d));
}

describe("rollout planner", () => {
  it("starts with --batch devices, in order", () => {
    const plan = planRollout({ state: "rolling", params: params({ batch: 3 }), devices: pending(10), now: T0 });
    expect(plan.notify).toEqual({ ids: ["d0", "d1", "d2"], batch: 0 });
    expect(plan.state).toBe("rolling");
  });

  it("waits for the batch to finish, then grows it by --increase (rounded up)", () => {
    const p = params({ batch: 2, increase: 1.5 });
    let devices = told(pending(10), ["d0", "d1"], 0, T0);
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 1000 }).notify.ids).toEqual([]);
    devices = finish(devices, ["d0"], "running");
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 1000 }).notify.ids).toEqual([]);
    devices = finish(devices, ["d1"], "running");
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 2000 }).notify).toEqual({ ids: ["d2", "d3", "d4"], batch: 1 });
    expect(batchSize(p, devices, 2)).toBe(5);
  });

  it("does not grow after a batch with a failure", () => {
    const p = params({ batch: 2, increase: 3 });
    const devices = finish(finish(told(pending(10), ["d0", "d1"], 0, T0), ["d0"], "running"), ["d1"], "failed");
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 1000 }).notify).toEqual({ ids: ["d2", "d3"], batch: 1 });
  });

  it("sends at most --max-per-minute in any minute, and fills the held-back batch later", () => {
    const p = params({ batch: 5, maxPerMinute: 2 });
    const first = planRollout({ state: "rolling", params: p, devices: pending(8), now: T0 });
    expect(first.notify.ids).toEqual(["d0", "d1"]);
    const devices = told(pending(8), first.notify.ids, 0, T0);
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 59_999 }).notify.ids).toEqual([]);
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 60_000 }).notify).toEqual({ ids: ["d2", "d3"], batch: 0 });
    // What the rollout page shows meanwhile: the time the next device may be told.
    expect(rateHeldUntil({ state: "rolling", params: p, devices: pending(8), now: T0 })).toBe(null);
    expect(rateHeldUntil({ state: "rolling", params: p, devices, now: T0 + 30_000 })).toBe(T0 + 60_000);
    expect(rateHeldUntil({ state: "paused", params: p, devices, now: T0 + 30_000 })).toBe(null);
    // Three told in the window at T0, T0+10 s, T0+20 s and at most 2 a minute: the next slot opens as the second ages out.
    const three = told(told(told(pending(8), ["d0"], 0, T0), ["d1"], 0, T0 + 10_000), ["d2"], 0, T0 + 20_000);
    expect(rateHeldUntil({ state: "rolling", params: p, devices: three, now: T0 + 30_000 })).toBe(T0 + 70_000);
    // Nothing held when the batch waits on its devices, not on the rate.
    const waiting = told(pending(3), ["d0"], 0, T0);
    expect(rateHeldUntil({ state: "rolling", params: params({ batch: 1, maxPerMinute: 1 }), devices: waiting, now: T0 + 1000 })).toBe(null);
  });

  it("counts a device that is not running by --device-timeout as failed, and rolls it back", () => {
    const p = params({ batch: 1, deviceTimeoutS: 10 });
    const devices = told(pending(3), ["d0"], 0, T0, report("downloading"));
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 + 9_999 }).finished).toEqual([]);
    const plan = planRollout({ state: "rolling", params: p, devices, now: T0 + 10_000 });
    expect(plan.finished).toEqual([{ id: "d0", outcome: "failed", reason: "did not reach running within 10 s (last: downloading)" }]);
    expect(plan.rollback).toEqual(["d0"]);
    expect(plan.notify.ids).toEqual(["d1"]);
  });

  it("with --soak, running counts only once the device reports its soak passed (or fails at timeout + soak)", () => {
    const p = params({ deviceTimeoutS: 10, soakS: 30 });
    const soaking = told(pending(2), ["d0"], 0, T0, report("running", { soak: "soaking" }));
    expect(planRollout({ state: "rolling", params: p, devices: soaking, now: T0 + 20_000 }).finished).toEqual([]);
    expect(planRollout({ state: "rolling", params: p, devices: soaking, now: T0 + 40_000 }).finished[0]).toMatchObject({ outcome: "failed" });
    const passed = told(pending(2), ["d0"], 0, T0, report("running", { soak: "passed" }));
    expect(planRollout({ state: "rolling", params: p, devices: passed, now: T0 + 1 }).finished).toEqual([{ id: "d0", outcome: "running", reason: null }]);
    const failed = told(pending(2), ["d0"], 0, T0, report("rolled-back", { soak: "failed", reason: "fps 1.2 < 0.5 x 10" }));
    expect(planRollout({ state: "rolling", params: p, devices: failed, now: T0 + 1 }).finished).toEqual([{ id: "d0", outcome: "failed", reason: "fps 1.2 < 0.5 x 10" }]);
  });

  it("aborts at --abort-failures once --abort-min devices finished, and tells no one else", () => {
    const p = params({ batch: 4, abortFailuresPct: 50, abortMin: 3 });
    let devices = told(pending(10), ["d0", "d1", "d2", "d3"], 0, T0);
    devices = finish(devices, ["d0", "d1"], "failed");
    // 2 of 2 finished failed, but fewer than 3 finished: no abort yet.
    expect(planRollout({ state: "rolling", params: p, devices, now: T0 }).state).toBe("rolling");
    devices = finish(devices, ["d2"], "running");
    const plan = planRollout({ state: "rolling", params: p, devices, now: T0 });
    expect(plan.state).toBe("aborted");
    expect(plan.abortReason).toBe("2 of 3 finished devices failed (66.7% >= 50%, after at least 3)");
    expect(plan.notify.ids).toEqual([]);
    expect(plan.rollback).toEqual(["d0", "d1"]);
    // Once aborted: still in flight settle and roll back, nothing new goes out.
    const after = planRollout({ state: "aborted", params: p, devices: told(devices, ["d3"], 0, T0, report("failed", { reason: "bad model" })), now: T0 });
    expect(after).toMatchObject({ state: "aborted", notify: { ids: [] }, rollback: ["d0", "d1", "d3"] });
  });

  it("does not roll back a device the desired state never reached", () => {
    const devices = told(pending(1), ["d0"], 0, T0, report("failed", { reason: "desired state not published: broker down", unpublished: true }));
    const plan = planRollout({ state: "rolling", params: params(), devices, now: T0 });
    expect(plan.finished[0]).toMatchObject({ outcome: "failed" });
    expect(plan.rollback).toEqual([]);
  });

  it("paused: tells no one but still settles; completes once every device finished", () => {
    const p = params({ batch: 1 });
    const devices = told(pending(2), ["d0"], 0, T0, report("running"));
    const paused = planRollout({ state: "paused", params: p, devices, now: T0 });
    expect(paused).toMatchObject({ state: "paused", notify: { ids: [] }, finished: [{ id: "d0", outcome: "running" }] });
    const last = finish(told(finish(devices, ["d0"], "running"), ["d1"], 1, T0), ["d1"], "running");
    expect(planRollout({ state: "rolling", params: p, devices: last, now: T0 }).state).toBe("completed");
    expect(planRollout({ state: "cancelled", params: p, devices: pending(2), now: T0 })).toMatchObject({ state: "cancelled", notify: { ids: [] } });
  });

  it("refuses parameters out of range with the flag's name", () => {
    expect(() => RolloutParamsSchema.parse({ increase: 6 })).toThrow(/increase: between 1 and 5/);
    expect(() => RolloutParamsSchema.parse({ abortFailuresPct: 120 })).toThrow(/abort-failures: at most 100%/);
    expect(() => RolloutParamsSchema.parse({ batch: 0 })).toThrow(/batch: at least 1/);
  });
});
