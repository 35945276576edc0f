import { describe, expect, it } from "vitest";
import type { Detection } from "@edgelens/shared/schemas";
import { createLineCounter, createTracker } from "../src/tracker/index";

const frame = { width: 200, height: 100 };
const at = (trackId: number, cx: number, cy: number): Detection => ({ label: "person", classId: 0, score: 1, trackId, box: [cx - 5, cy - 5, cx + 5, cy + 5] });

describe("line-crossing counter", () => {
  it("counts unique tracks crossing a normalized horizontal line, with direction", () => {
    // Drawn left to right at y = 50: moving down is forward.
    const counter = createLineCounter({ line: [[0, 0.5], [1, 0.5]], normalized: true });
    expect(counter.linePixels(frame)).toEqual([[0, 50], [200, 50]]);
    expect(counter.update([at(1, 20, 40), at(2, 80, 60)], frame)).toEqual([]);
    expect(counter.update([at(1, 20, 55), at(2, 80, 45)], frame)).toEqual([
      { trackId: 1, label: "person", direction: "forward" },
      { trackId: 2, label: "person", direction: "backward" },
    ]);
    // Track 1 wobbles back and forth: it is one unique id per direction.
    counter.update([at(1, 20, 45)], frame);
    counter.update([at(1, 20, 58)], frame);
    expect(counter.counts()).toEqual({ forward: 1, backward: 2, total: 2 });
  });

  it("counts only crossings within the segment, and ignores untracked detections", () => {
    const counter = createLineCounter({ line: [[50, 0], [50, 40]] });
    counter.update([at(1, 40, 80), at(2, 40, 20)], frame);
    const untracked = { ...at(3, 40, 20) };
    delete untracked.trackId;
    counter.update([untracked], frame);
    counter.update([at(1, 60, 80), at(2, 60, 20), untracked], frame);
    // A vertical line drawn downward: its right side on screen is x < 50, so left to right is backward.
    expect(counter.counts()).toEqual({ forward: 0, backward: 1, total: 1 });
  });

  it("uses the bottom of the box as the anchor when asked", () => {
    const counter = createLineCounter({ line: [[0, 50], [200, 50]], anchor: "bottom" });
    counter.update([at(1, 20, 40)], frame); // bottom at 45
    counter.update([at(1, 20, 47)], frame); // bottom at 52: feet crossed, centre did not
    expect(counter.counts().forward).toBe(1);
  });

  it("counts a box moving through the tracker", () => {
    const tracker = createTracker({ minHits: 2 });
    const counter = createLineCounter({ line: [[100, 0], [100, 100]] });
    for (let f = 0; f < 20; f++) counter.update(tracker.update([{ label: "person", classId: 0, score: 0.9, box: [f * 10, 30, f * 10 + 20, 70] }]), frame);
    expect(counter.counts()).toEqual({ forward: 0, backward: 1, total: 1 });
    counter.reset();
    expect(counter.counts().total).toBe(0);
  });

  it("rejects a degenerate line", () => {
    expect(() => createLineCounter({ line: [[1, 1], [1, 1]] })).toThrow(/two distinct finite points/);
  });
});

describe("line-crossing counter edge cases", () => {
  it("counts a track that stops exactly on the line on its way across", () => {
    const counter = createLineCounter({ line: [[100, 0], [100, 100]] });
    for (const cx of [90, 100, 100, 110]) counter.update([at(1, cx, 50)], frame);
    expect(counter.counts()).toEqual({ forward: 0, backward: 1, total: 1 });
    // Touching the line and going back is no crossing.
    const touch = createLineCounter({ line: [[100, 0], [100, 100]] });
    for (const cx of [90, 100, 90]) touch.update([at(1, cx, 50)], frame);
    expect(touch.counts().total).toBe(0);
  });
});
