import { describe, expect, it } from "vitest";
import { FunctionOutputSchema } from "@edgelens/shared/schemas";
import { visionHelpers } from "../src/index";
import { synthImage } from "./vision-fixtures";

describe("visionHelpers (ctx.vision)", () => {
  it("lets a template prepare an input in one line", () => {
    const frame = { ...synthImage(64, 48, () => [10, 20, 30]), seq: 1, ts: 0 };
    const { tensor, transform } = visionHelpers.resize(frame, 32, 32);
    expect(tensor.dims).toEqual([1, 32, 32, 3]);
    expect(visionHelpers.toSourceBox(transform, [0, 0, 32, 32])).toEqual([0, 0, 64, 48]);
    const lb = visionHelpers.letterbox(frame, 32, 32, { normalize: "symmetric" });
    expect(lb.transform.padY).toBe(4);
  });

  it("produces outputs that pass the InferenceResult schema", () => {
    const { transform } = visionHelpers.resize(synthImage(512, 512, () => [0, 0, 0]), 512, 512);
    const detections = visionHelpers.decodeCenterNet(
      { data: Float32Array.from([10, 10, 100, 100, 0.8, 52]), dims: [1, 1, 6] },
      { labels: visionHelpers.labels.coco, transform },
    );
    const tracked = visionHelpers.createTracker({ minHits: 1 }).update(detections);
    const output = { detections: tracked, counts: visionHelpers.countLabels(tracked) };
    expect(FunctionOutputSchema.parse(output)).toEqual({
      detections: [{ label: "hot dog", classId: 52, score: expect.closeTo(0.8, 6), box: [10, 10, 100, 100], trackId: 1 }],
      counts: { "hot dog": 1 },
    });
  });

  it("is frozen, so one project cannot change another's helpers", () => {
    expect(Object.isFrozen(visionHelpers)).toBe(true);
    expect(() => {
      (visionHelpers as unknown as Record<string, unknown>).resize = null;
    }).toThrow(TypeError);
    for (const name of ["resize", "letterbox", "nms", "decodeCenterNet", "decodeBlazeFace", "decodeMoveNet", "decodeDbText", "countLabels", "createTracker", "createLineCounter", "drawDetections"] as const) {
      expect(typeof visionHelpers[name]).toBe("function");
    }
  });
});
