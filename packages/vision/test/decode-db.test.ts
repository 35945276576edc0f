import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner, type ModelRunner } from "../src/onnx/index";
import { convexHull, decodeDbText, labelComponents, minAreaRect, rectCorners, unclipRect } from "../src/postprocess/index";
import { fitInputSize, resizeToTensor } from "../src/preprocess/index";
import { synthImage } from "./vision-fixtures";

function probabilityMap(width: number, height: number, rects: [number, number, number, number, number][]) {
  const data = new Float32Array(width * height);
  for (const [x1, y1, x2, y2, p] of rects) for (let y = y1; y < y2; y++) data.fill(p, y * width + x1, y * width + x2);
  return { type: "float32", data, dims: [1, 1, height, width] };
}

describe("geometry of DB post-processing", () => {
  it("labels 8-connected components", () => {
    // Two diagonal neighbours form one component; the far pixel another.
    const mask = Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const comps = labelComponents(mask, 4, 3);
    expect(comps.map((c) => [c.area, c.minX, c.minY, c.maxX, c.maxY])).toEqual([
      [2, 0, 0, 1, 1],
      [1, 3, 2, 3, 2],
    ]);
  });

  it("finds the hull and the rotated minimum-area rectangle", () => {
    expect(convexHull([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 0]])).toHaveLength(4);
    // A 4 x 2 rectangle rotated by 30 degrees.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const pts = [[-2, -1], [2, -1], [2, 1], [-2, 1], [0, 0], [1, 0.5]].map(([x, y]) => [10 + (x as number) * c - (y as number) * s, 20 + (x as number) * s + (y as number) * c] as [number, number]);
    const r = minAreaRect(pts);
    expect([Math.max(r.width, r.height), Math.min(r.width, r.height)].map((v) => +v.toFixed(9))).toEqual([4, 2]);
    expect([r.cx, r.cy].map((v) => +v.toFixed(9))).toEqual([10, 20]);
    const [tl, tr, br, bl] = rectCorners(r);
    expect(tl[0]).toBeLessThan(tr[0]);
    expect(bl[1]).toBeGreaterThan(tl[1]);
    expect(br[0]).toBeGreaterThan(bl[0]);
    // D = A * r / L = 8 * 1.5 / 12 = 1.
    const grown = unclipRect(r, 1.5);
    expect([Math.max(grown.width, grown.height), Math.min(grown.width, grown.height)].map((v) => +v.toFixed(9))).toEqual([6, 4]);
  });
});

describe("decodeDbText on a synthetic map", () => {
  // The map is at half the source resolution (source 192x128, input 96x64).
  const { transform } = resizeToTensor(synthImage(192, 128, () => [255, 255, 255]), 96, 64);

  it("gives two boxes in the right places, grown by the unclip ratio", () => {
    const map = probabilityMap(96, 64, [
      [10, 10, 50, 20, 0.9],
      [60, 40, 90, 52, 0.8],
      [5, 40, 20, 50, 0.35], // text-like only above 0.3: mean score 0.35 < 0.6
      [80, 5, 82, 7, 0.95], // 2x2: under the minimum size
    ]);
    const texts = decodeDbText(map, { transform });
    expect(texts).toHaveLength(2);
    // Pixel centres 10.5..49.5 x 10.5..19.5: a 39 x 9 rectangle, D = 39*9*1.5 / 96 = 5.484375,
    // so the map box is [5.015625, 5.015625, 54.984375, 24.984375], twice that in source pixels.
    const d1 = (39 * 9 * 1.5) / 96;
    const [a, b] = texts;
    const expectBox = (box: number[] | undefined, want: number[]) => want.forEach((v, i) => expect(box?.[i]).toBeCloseTo(v, 6));
    expectBox(a?.box, [2 * (10.5 - d1), 2 * (10.5 - d1), 2 * (49.5 + d1), 2 * (19.5 + d1)]);
    expect(a?.score).toBeCloseTo(0.9, 6);
    expect(a?.polygon).toHaveLength(4);
    const d2 = (29 * 11 * 1.5) / 80;
    expectBox(b?.box, [2 * (60.5 - d2), 2 * (40.5 - d2), 2 * (89.5 + d2), 2 * (51.5 + d2)]);
    expect(b?.score).toBeCloseTo(0.8, 6);
  });

  it("follows thresholds and clamps to the frame", () => {
    const map = probabilityMap(96, 64, [[0, 0, 40, 12, 0.5]]);
    expect(decodeDbText(map, { transform })).toEqual([]);
    const [t] = decodeDbText(map, { transform, boxThreshold: 0.4 });
    expect(t?.box[0]).toBe(0);
    expect(t?.box[1]).toBe(0);
    expect(decodeDbText(map, { transform, threshold: 0.6 })).toEqual([]);
  });

  it("rejects a map whose size differs from the model input", () => {
    expect(() => decodeDbText(probabilityMap(32, 32, []), { transform })).toThrow(/DB text map is 32x32 but the model input was 96x64/);
  });
});

describe("PP-OCR detection on imageTextN.png", () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    await ensureSampleModels();
    runner = await createOrtModelRunner(getSampleModel("ppocr-det").path, { name: "ppocr-det", threads: 1 });
  });
  afterAll(() => runner?.dispose());

  it("finds one box per line of the 13-line paragraph", async () => {
    const frame = await decodeImage(mediaPath("imageTextN.png"));
    const { width, height } = fitInputSize(frame.width, frame.height);
    const { tensor, transform } = resizeToTensor(frame, width, height, { layout: "nchw", normalize: "imagenet", channelOrder: "bgr" });
    const out = await runner.run({ x: tensor });
    const texts = decodeDbText(Object.values(out)[0] as never, { transform });
    expect(texts.length).toBeGreaterThanOrEqual(12);
    expect(texts.length).toBeLessThanOrEqual(15);
    // Lines of a paragraph: wide, short, stacked top to bottom without overlapping much.
    for (const t of texts) {
      expect(t.box[2] - t.box[0]).toBeGreaterThan(150);
      expect(t.box[3] - t.box[1]).toBeLessThan(30);
      expect(t.box[0] >= 0 && t.box[2] <= frame.width && t.box[3] <= frame.height).toBe(true);
    }
    // The first line, "technical details are too complex to cover in the book itself.", spans x 31..351.
    const first = texts[0];
    expect(Math.abs((first?.box[0] ?? 0) - 31)).toBeLessThan(8);
    expect(Math.abs((first?.box[2] ?? 0) - 351)).toBeLessThan(12);
    expect(first?.box[1]).toBeLessThan(25);
  });
});
