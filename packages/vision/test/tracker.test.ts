import { describe, expect, it } from "vitest";
import type { Detection } from "@edgelens/shared/schemas";
import { createTracker } from "../src/tracker/index";

const det = (x: number, y: number, label = "person", classId = 0, size = 40): Detection => ({ label, classId, score: 0.9, box: [x, y, x + size, y + size] });

describe("IoU tracker", () => {
  it("keeps one id for a box moving across frames, reported after minHits", () => {
    const tracker = createTracker({ minHits: 3 });
    const ids = [];
    for (let f = 0; f < 20; f++) ids.push(tracker.update([det(10 + f * 8, 50)])[0]?.trackId);
    expect(ids.slice(0, 2)).toEqual([undefined, undefined]);
    expect(new Set(ids.slice(2))).toEqual(new Set([1]));
  });

  it("keeps two crossing objects apart and follows fast motion by velocity", () => {
    const tracker = createTracker({ minHits: 1 });
    const seen = new Map<string, Set<number | undefined>>();
    let x = 20;
    for (let f = 0; f < 15; f++) {
      // It speeds up from 15 to 30 px per frame on a 40 px box: at 30 px the IoU with the last box
      // is only 0.14, under the threshold; the constant-velocity prediction still catches it.
      x += f < 3 ? 15 : 30;
      const out = tracker.update([det(x, 10), det(500 - f * 5, 200, "dog", 16)]);
      for (const d of out) seen.set(d.label, (seen.get(d.label) ?? new Set()).add(d.trackId));
    }
    expect(seen.get("person")).toEqual(new Set([1]));
    expect(seen.get("dog")).toEqual(new Set([2]));
  });

  it("survives missed frames up to maxAge, then starts a new id", () => {
    const tracker = createTracker({ minHits: 1, maxAge: 2 });
    expect(tracker.update([det(0, 0)])[0]?.trackId).toBe(1);
    tracker.update([]);
    tracker.update([]);
    expect(tracker.update([det(2, 0)])[0]?.trackId).toBe(1);
    for (let i = 0; i < 3; i++) tracker.update([]);
    expect(tracker.tracks).toHaveLength(0);
    expect(tracker.update([det(2, 0)])[0]?.trackId).toBe(2);
  });

  it("does not continue a track with another class unless told to", () => {
    const aware = createTracker({ minHits: 1 });
    aware.update([det(0, 0)]);
    expect(aware.update([det(0, 0, "dog", 16)])[0]?.trackId).toBe(2);
    const blind = createTracker({ minHits: 1, classAware: false });
    blind.update([det(0, 0)]);
    expect(blind.update([det(0, 0, "dog", 16)])[0]?.trackId).toBe(1);
  });

  it("matches greedily by best IoU and keeps the input order", () => {
    const tracker = createTracker({ minHits: 1 });
    tracker.update([det(0, 0), det(100, 0)]);
    const out = tracker.update([det(98, 0), det(3, 0)]);
    expect(out.map((d) => d.trackId)).toEqual([2, 1]);
    expect(out.map((d) => d.box[0])).toEqual([98, 3]);
  });

  it("resets and rejects bad options", () => {
    const tracker = createTracker({ minHits: 1 });
    tracker.update([det(0, 0)]);
    tracker.reset();
    expect(tracker.update([det(300, 300)])[0]?.trackId).toBe(1);
    expect(() => createTracker({ iouThreshold: 0 })).toThrow(/iouThreshold must be in \(0,1\]/);
  });
});
