import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { mediaPath, type MediaName } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { BLAZEFACE_BACK_ANCHORS, decodeBlazeFace, generateSsdAnchors, type FaceDetection } from "../src/postprocess/index";
import { letterboxToTensor, resizeToTensor } from "../src/preprocess/index";
import { synthImage } from "./vision-fixtures";

describe("SSD anchors of the 256 back model", () => {
  it("has 16x16x2 anchors at stride 16 and 8x8x6 at stride 32", () => {
    const { anchors, groupSizes } = generateSsdAnchors(BLAZEFACE_BACK_ANCHORS);
    expect(groupSizes).toEqual([512, 384]);
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ x: 0.5 / 16, y: 0.5 / 16, w: 1, h: 1 });
    expect(anchors[1]).toEqual(anchors[0]);
    expect(anchors[2]).toEqual({ x: 1.5 / 16, y: 0.5 / 16, w: 1, h: 1 });
    expect(anchors[32]).toEqual({ x: 0.5 / 16, y: 1.5 / 16, w: 1, h: 1 });
    expect(anchors[512]).toEqual({ x: 0.5 / 8, y: 0.5 / 8, w: 1, h: 1 });
    expect(anchors[517]).toEqual(anchors[512]);
    expect(anchors[518]).toEqual({ x: 1.5 / 8, y: 0.5 / 8, w: 1, h: 1 });
    expect(anchors[895]).toEqual({ x: 7.5 / 8, y: 7.5 / 8, w: 1, h: 1 });
  });

  it("sizes anchors by scale when they are not fixed", () => {
    const { anchors } = generateSsdAnchors({ ...BLAZEFACE_BACK_ANCHORS, fixedAnchorSize: false });
    // Layer 0: scale 0.15625, then the interpolated sqrt(0.15625 * 0.34375).
    expect(anchors[0]?.w).toBeCloseTo(0.15625, 9);
    expect(anchors[1]?.w).toBeCloseTo(Math.sqrt(0.15625 * (0.15625 + (0.75 - 0.15625) / 3)), 9);
  });
});

describe("decodeBlazeFace on synthetic heads", () => {
  const { transform } = resizeToTensor(synthImage(256, 256, () => [0, 0, 0]), 256, 256);
  function heads(): Record<string, { data: Float32Array; dims: number[] }> {
    return {
      // Names are arbitrary (converted models name sinks Identity_n): heads are found by shape.
      b384: { data: new Float32Array(384 * 16), dims: [1, 384, 16] },
      s512: { data: new Float32Array(512).fill(-10), dims: [1, 512, 1] },
      b512: { data: new Float32Array(512 * 16), dims: [1, 512, 16] },
      s384: { data: new Float32Array(384).fill(-10), dims: [1, 384, 1] },
    };
  }

  it("decodes centre, size and landmarks relative to the anchor", () => {
    const h = heads();
    // Row 5, column 3 of the stride-16 map: anchor centre (3.5/16, 5.5/16) = (56, 88) px.
    const k = 2 * (5 * 16 + 3);
    (h.s512 as { data: Float32Array }).data[k] = 2;
    (h.b512 as { data: Float32Array }).data.set([16, -8, 32, 64, 0, 0, 10, 20], k * 16);
    const faces = decodeBlazeFace(h, { transform });
    expect(faces).toHaveLength(1);
    const f = faces[0] as FaceDetection;
    expect(f.label).toBe("face");
    expect(f.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    // Centre (72, 80), size 32 x 64.
    expect(f.box).toEqual([56, 48, 88, 112]);
    expect(f.landmarks[0]).toEqual({ name: "right_eye", x: 56, y: 88 });
    expect(f.landmarks[1]).toEqual({ name: "left_eye", x: 66, y: 108 });
  });

  it("merges overlapping candidates (weighted) and reads the stride-32 head", () => {
    const h = heads();
    const k = 2 * (5 * 16 + 3);
    (h.s512 as { data: Float32Array }).data[k] = 2;
    (h.s512 as { data: Float32Array }).data[k + 1] = 2;
    (h.b512 as { data: Float32Array }).data.set([16, -8, 32, 64], k * 16);
    (h.b512 as { data: Float32Array }).data.set([18, -8, 32, 64], (k + 1) * 16);
    // Stride-32 head, first anchor: centre (16, 16).
    (h.s384 as { data: Float32Array }).data[0] = 3;
    (h.b384 as { data: Float32Array }).data.set([0, 0, 20, 20], 0);
    const weighted = decodeBlazeFace(h, { transform });
    expect(weighted.map((f) => f.box)).toEqual([
      [6, 6, 26, 26],
      [57, 48, 89, 112],
    ]);
    expect(decodeBlazeFace(h, { transform, nms: "hard" }).map((f) => f.box[0])).toEqual([6, 56]);
    expect(decodeBlazeFace(h, { transform, scoreThreshold: 0.9 })).toHaveLength(1);
  });

  it("names the expected heads when they are missing", () => {
    const { s384: _s, ...rest } = heads();
    expect(() => decodeBlazeFace(rest, { transform })).toThrow(/expected heads \[1,384,1\] and \[1,384,16\]/);
  });
});

describe("BlazeFace sample model on real photos", () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    await ensureSampleModels();
    runner = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", threads: 1 });
  });
  afterAll(() => runner?.dispose());

  async function faces(photo: MediaName): Promise<FaceDetection[]> {
    const frame = await decodeImage(mediaPath(photo));
    const { tensor, transform } = letterboxToTensor(frame, 256, 256, { normalize: "symmetric" });
    return decodeBlazeFace(await runner.run({ input: tensor }), { transform });
  }

  function centre(f: FaceDetection): [number, number] {
    return [(f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2];
  }

  it("finds the face of the person in person.jpg (head at about 235,122)", async () => {
    const [best] = await faces("person.jpg");
    expect(best?.score).toBeGreaterThan(0.6);
    const [x, y] = centre(best as FaceDetection);
    expect(Math.abs(x - 235)).toBeLessThan(15);
    expect(Math.abs(y - 122)).toBeLessThan(15);
  });

  it("finds Messi's face in messi5.jpg with its eyes inside the box", async () => {
    const [best] = await faces("messi5.jpg");
    expect(best?.score).toBeGreaterThan(0.8);
    const f = best as FaceDetection;
    const [x, y] = centre(f);
    expect(Math.abs(x - 240)).toBeLessThan(15);
    expect(Math.abs(y - 115)).toBeLessThan(15);
    for (const name of ["right_eye", "left_eye", "nose_tip"]) {
      const p = f.landmarks.find((l) => l.name === name);
      expect(p && p.x > f.box[0] && p.x < f.box[2] && p.y > f.box[1] && p.y < f.box[3]).toBe(true);
    }
  });
});
