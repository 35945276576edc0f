import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel, MOVENET_KEYPOINTS } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { COCO_SKELETON, decodeMoveNet } from "../src/postprocess/index";
import { letterboxToTensor } from "../src/preprocess/index";
import { synthImage } from "./vision-fixtures";

describe("decodeMoveNet on a synthetic output", () => {
  // 400x200 letterboxed to 192x192: scale 0.48, image rows 48..143.
  const { transform } = letterboxToTensor(synthImage(400, 200, () => [0, 0, 0]), 192, 192);
  const values = MOVENET_KEYPOINTS.flatMap((_, k) => [0.25 + k * 0.03125, k / 32, k / 16]);
  const output = { type: "float32", data: Float32Array.from(values), dims: [1, 1, 17, 3] };

  it("maps y, x (0..1 of the input) through the letterbox to source pixels", () => {
    const [pose] = decodeMoveNet(output, { transform });
    const kps = pose?.keypoints ?? [];
    expect(kps.map((k) => k.name)).toEqual([...MOVENET_KEYPOINTS]);
    // Keypoint 0: input (0, 48) -> source (0, 0). Keypoint 8: x = 0.25 * 192 = 48 -> 100;
    // y = (0.25 + 0.25) * 192 = 96 -> (96 - 48) / 0.48 = 100.
    expect(kps[0]).toEqual({ name: "nose", x: 0, y: 0, score: 0 });
    expect(kps[8]?.x).toBeCloseTo(100, 9);
    expect(kps[8]?.y).toBeCloseTo(100, 9);
    expect(kps[8]?.score).toBe(0.5);
    // Keypoint 16 (score 1) lands under the image, in the padding: clamped to the frame.
    expect(kps[16]?.y).toBe(200);
    expect(pose?.score).toBeCloseTo(values.filter((_, i) => i % 3 === 2).reduce((a, b) => a + b) / 17, 6);
  });

  it("drops a pose under minScore and rejects a wrong shape", () => {
    expect(decodeMoveNet(output, { transform, minScore: 0.9 })).toEqual([]);
    expect(() => decodeMoveNet({ data: new Float32Array(51), dims: [1, 17, 3] }, { transform })).toThrow(/expected an output of shape \[1,1,17,3\]/);
  });

  it("ships the COCO skeleton over valid keypoint indexes", () => {
    expect(COCO_SKELETON).toHaveLength(16);
    for (const [a, b] of COCO_SKELETON) expect(a < 17 && b < 17 && a !== b).toBe(true);
  });
});

describe("MoveNet sample model on person.jpg", () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    await ensureSampleModels();
    runner = await createOrtModelRunner(getSampleModel("movenet").path, { name: "movenet", threads: 1 });
  });
  afterAll(() => runner?.dispose());

  it("puts the confident keypoints on the person, head above hips above ankles", async () => {
    const frame = await decodeImage(mediaPath("person.jpg"));
    const { tensor, transform } = letterboxToTensor(frame, 192, 192, { dtype: "int32" });
    const [pose] = decodeMoveNet((await runner.run({ input: tensor })).Identity as never, { transform });
    const confident = pose?.keypoints.filter((k) => k.score > 0.3) ?? [];
    expect(confident.length).toBeGreaterThanOrEqual(10);
    // The person (CenterNet box ~[187,109,276,375]) with a margin.
    for (const k of confident) expect(k.x > 175 && k.x < 290 && k.y > 95 && k.y < 390, `${k.name} at ${k.x},${k.y}`).toBe(true);
    const y = (name: string) => pose?.keypoints.find((k) => k.name === name)?.y ?? NaN;
    expect(y("left_ear")).toBeLessThan(y("left_shoulder"));
    expect(y("left_shoulder")).toBeLessThan(y("left_hip"));
    expect(y("left_hip")).toBeLessThan(y("left_knee"));
    expect(y("left_knee")).toBeLessThan(y("left_ankle"));
  });
});
