import { describe, expect, it } from "vitest";
import { boxIou, nonMaxSuppression, weightedNonMaxSuppression } from "../src/postprocess/index";

describe("boxIou", () => {
  it("computes intersection over union by hand-checked cases", () => {
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    // 5x10 overlap: 50 / (100 + 100 - 50).
    expect(boxIou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
    // Corner overlap 2x2: 4 / (16 + 16 - 4).
    expect(boxIou([0, 0, 4, 4], [2, 2, 6, 6])).toBeCloseTo(4 / 28, 12);
    expect(boxIou([0, 0, 4, 4], [4, 0, 8, 4])).toBe(0);
    expect(boxIou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});

describe("nonMaxSuppression", () => {
  const a = { box: [0, 0, 10, 10], score: 0.9, classId: 0, name: "a" };
  const b = { box: [1, 0, 11, 10], score: 0.8, classId: 0, name: "b" }; // IoU with a = 90/110
  const c = { box: [1, 0, 11, 10], score: 0.7, classId: 1, name: "c" }; // same place, other class
  const d = { box: [20, 20, 30, 30], score: 0.95, classId: 0, name: "d" };

  it("keeps the best of overlapping boxes of one class, best first", () => {
    expect(nonMaxSuppression([a, b, c, d]).map((x) => x.name)).toEqual(["d", "a", "c"]);
  });

  it("suppresses across classes when not class-aware", () => {
    expect(nonMaxSuppression([a, b, c, d], { classAware: false }).map((x) => x.name)).toEqual(["d", "a"]);
  });

  it("honours the IoU threshold and maxResults", () => {
    expect(nonMaxSuppression([a, b], { iouThreshold: 0.9 }).map((x) => x.name)).toEqual(["a", "b"]);
    expect(nonMaxSuppression([a, b, c, d], { maxResults: 1 }).map((x) => x.name)).toEqual(["d"]);
    expect(nonMaxSuppression([])).toEqual([]);
  });
});

describe("weightedNonMaxSuppression (MediaPipe WEIGHTED)", () => {
  it("blends a cluster by score and keeps the best score", () => {
    const out = weightedNonMaxSuppression(
      [
        { score: 0.75, box: [0, 0, 10, 10], values: [0, 0, 10, 10, 5] },
        { score: 0.25, box: [2, 0, 12, 10], values: [2, 0, 12, 10, 9] },
        { score: 0.5, box: [50, 50, 60, 60], values: [50, 50, 60, 60, 1] },
      ],
      0.3,
    );
    expect(out).toHaveLength(2);
    expect(out[0]?.score).toBe(0.75);
    // (0.75 * 0 + 0.25 * 2) / 1 = 0.5 ; (0.75 * 5 + 0.25 * 9) / 1 = 6.
    expect(out[0]?.values).toEqual([0.5, 0, 10.5, 10, 6]);
    expect(out[1]).toEqual({ score: 0.5, values: [50, 50, 60, 60, 1] });
  });
});
