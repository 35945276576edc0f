import { describe, expect, it } from "vitest";
import { SegmentClock } from "../src/clips/segment-clock";

/** Placing ring pieces in wall time from their stream times and when ffmpeg reported them. */
describe("segment clock", () => {
  it("keeps a piece whose report came late where its stream time puts it", () => {
    const clock = new SegmentClock();
    const t0 = 1_700_000_000_000;
    // Pieces of 1 s reported 20 ms after they end, then one reported 900 ms late (a busy box).
    expect(clock.place(0, 1, t0 + 1020)).toEqual({ startMs: t0 + 20, endMs: t0 + 1020 });
    expect(clock.place(1, 2, t0 + 2020)).toEqual({ startMs: t0 + 1020, endMs: t0 + 2020 });
    expect(clock.place(2, 3, t0 + 3900)).toEqual({ startMs: t0 + 2020, endMs: t0 + 3020 });
    // A report less late than all before moves every later piece earlier: reports are never early.
    expect(clock.place(3, 4, t0 + 4005)).toEqual({ startMs: t0 + 3005, endMs: t0 + 4005 });
  });

  it("follows a stream clock slower than ours once the early reports leave its window", () => {
    const clock = new SegmentClock();
    const t0 = 1_700_000_000_000;
    // The camera's second lasts 1010 ms of ours: each report is 10 ms later than the last predicts.
    let last = { startMs: 0, endMs: 0 };
    for (let i = 0; i < 100; i++) last = clock.place(i, i + 1, t0 + (i + 1) * 1010);
    const reportedAt = t0 + 100 * 1010;
    // Placed at most the window's 30 pieces (300 ms) early, not the whole 100 (1 s).
    expect(reportedAt - last.endMs).toBeLessThanOrEqual(300);
    expect(reportedAt - last.endMs).toBeGreaterThan(0);
  });
});
