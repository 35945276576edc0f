import { describe, expect, it } from "vitest";
import { countLabels } from "../src/postprocess/index";

describe("countLabels", () => {
  it("counts detections per label", () => {
    expect(countLabels([{ label: "person" }, { label: "dog" }, { label: "person" }])).toEqual({ person: 2, dog: 1 });
    expect(countLabels([])).toEqual({});
  });

  it("is safe for labels that look like object keys", () => {
    const counts = countLabels([{ label: "constructor" }, { label: "__proto__" }, { label: "toString" }]);
    expect(counts.constructor).toBe(1);
    expect(counts.toString).toBe(1);
    expect(Object.keys(counts)).toContain("__proto__");
  });
});
