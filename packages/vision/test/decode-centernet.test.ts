import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Detection } from "@edgelens/shared/schemas";
import { decodeImage } from "../src/image/index";
import { mediaPath, type MediaName } from "../src/media/index";
import { COCO_LABELS, ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { boxIou, decodeCenterNet } from "../src/postprocess/index";
import { resizeToTensor } from "../src/preprocess/index";
import { synthImage } from "./vision-fixtures";

describe("decodeCenterNet on a synthetic output", () => {
  // 1024x512 frame stretched to 512x512: x halves, y stays.
  const { transform } = resizeToTensor(synthImage(1024, 512, () => [0, 0, 0]), 512, 512);
  const rows = [
    [100, 50, 200, 150, 0.9, 16],
    [0, 0, 10, 10, 0.1, 0],
    [100, 50, 200, 150, 0.4, 7],
    [110, 50, 200, 150, 0.35, 16],
  ];
  const output = { type: "float32", data: Float32Array.from(rows.flat()), dims: [1, rows.length, 6] };

  it("maps boxes to source pixels, thresholds, and keeps one box per class", () => {
    const dets = decodeCenterNet(output, { labels: COCO_LABELS, transform });
    expect(dets).toEqual([
      { label: "dog", classId: 16, score: expect.closeTo(0.9, 6), box: [200, 50, 400, 150] },
      { label: "truck", classId: 7, score: expect.closeTo(0.4, 6), box: [200, 50, 400, 150] },
    ]);
  });

  it("keeps the raw peaks without NMS and respects the threshold", () => {
    expect(decodeCenterNet(output, { labels: COCO_LABELS, transform, iouThreshold: null })).toHaveLength(3);
    expect(decodeCenterNet(output, { labels: COCO_LABELS, transform, scoreThreshold: 0.05, iouThreshold: null })).toHaveLength(4);
    expect(decodeCenterNet(output, { labels: COCO_LABELS, transform, scoreThreshold: 0.95 })).toEqual([]);
  });

  it("rejects a wrong label list or shape", () => {
    expect(() => decodeCenterNet(output, { labels: ["person"], transform })).toThrow(/class index 16 has no label/);
    expect(() => decodeCenterNet({ data: new Float32Array(12), dims: [1, 2, 5] }, { labels: COCO_LABELS, transform })).toThrow(/expected an output of shape \[1,\?,6\], got \[1,2,5\]/);
  });
});

describe("CenterNet sample model on real photos", () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    await ensureSampleModels();
    runner = await createOrtModelRunner(getSampleModel("centernet").path, { name: "centernet", threads: 1 });
  });
  afterAll(() => runner?.dispose());

  async function detect(photo: MediaName): Promise<Detection[]> {
    const frame = await decodeImage(mediaPath(photo));
    const { tensor, transform } = resizeToTensor(frame, 512, 512);
    const out = await runner.run({ "tower_0/images": tensor });
    return decodeCenterNet(out["tower_0/detections"] as NonNullable<(typeof out)[string]>, { labels: COCO_LABELS, transform });
  }

  /** The best detection of one of `labels` overlapping a hand-drawn box of the object. */
  function find(dets: Detection[], labels: string[], box: [number, number, number, number]): Detection | undefined {
    return dets.find((d) => labels.includes(d.label) && boxIou(d.box, box) > 0.6);
  }

  it("finds the dog, the bicycle and the pickup in dog.jpg", async () => {
    const dets = await detect("dog.jpg");
    expect(find(dets, ["dog"], [130, 220, 310, 540])).toBeDefined();
    expect(find(dets, ["bicycle"], [125, 120, 570, 430])).toBeDefined();
    expect(find(dets, ["car", "truck"], [465, 75, 690, 170])).toBeDefined();
    for (const d of dets) expect(d.box[2] <= 768 && d.box[3] <= 576 && d.box[0] >= 0 && d.box[1] >= 0).toBe(true);
  });

  it("finds the person and the dog in person.jpg", async () => {
    const dets = await detect("person.jpg");
    expect(find(dets, ["person"], [185, 100, 280, 380])).toBeDefined();
    expect(find(dets, ["dog"], [60, 260, 205, 350])).toBeDefined();
  });
});
