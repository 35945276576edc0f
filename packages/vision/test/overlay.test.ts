import { describe, expect, it } from "vitest";
import { createRgbImage, decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import {
  colorForIndex,
  drawDetections,
  drawLine,
  drawPoses,
  drawText,
  drawTextRegions,
  fillCircle,
  measureText,
  parseColor,
  renderDrawOps,
  strokePolygon,
  strokeRect,
} from "../src/overlay/index";
import type { DrawOp } from "../src/project/draw";
import { diffInside, pixelAt } from "./vision-fixtures";

const RED = [255, 0, 0] as const;
const copy = (img: { data: Uint8Array; width: number; height: number }) => ({ ...img, data: img.data.slice() });

describe("raster primitives", () => {
  it("strokes a box inside its edges and nowhere else", () => {
    const img = createRgbImage(20, 20);
    strokeRect(img, [5, 5, 15, 15], RED, 2);
    expect(pixelAt(img, 5, 5)).toEqual([255, 0, 0]);
    expect(pixelAt(img, 14, 10)).toEqual([255, 0, 0]);
    expect(pixelAt(img, 6, 10)).toEqual([255, 0, 0]);
    expect(pixelAt(img, 7, 10)).toEqual([0, 0, 0]); // inside the 2 px stroke
    expect(pixelAt(img, 15, 10)).toEqual([0, 0, 0]); // x2 is exclusive
    expect(diffInside(img, createRgbImage(20, 20), [5, 5, 15, 15])).toEqual({ inside: 10 * 10 - 6 * 6, outside: 0 });
  });

  it("draws 1 px lines with Bresenham, clipped to the image", () => {
    const img = createRgbImage(10, 10);
    drawLine(img, 0, 0, 9, 9, RED, 1);
    for (let i = 0; i < 10; i++) expect(pixelAt(img, i, i)).toEqual([255, 0, 0]);
    expect(diffInside(img, createRgbImage(10, 10), [0, 0, 10, 10]).inside).toBe(10);
    // Far outside: no pixels, and no runaway loop.
    const before = copy(img);
    drawLine(img, -1e9, -5, 1e9, -5, RED, 3);
    expect(diffInside(img, before, [0, 0, 10, 10]).inside).toBe(0);
    drawLine(img, -1e9, 5, 1e9, 5, RED, 1);
    for (let x = 0; x < 10; x++) expect(pixelAt(img, x, 5)).toEqual([255, 0, 0]);
    expect(() => drawLine(img, NaN, 0, 1, 1, RED)).toThrow(/must be finite/);
  });

  it("fills discs and strokes polygons", () => {
    const img = createRgbImage(30, 30);
    fillCircle(img, 15, 15, 4, RED);
    expect(pixelAt(img, 15, 15)).toEqual([255, 0, 0]);
    expect(pixelAt(img, 15, 20)).toEqual([0, 0, 0]);
    expect(diffInside(img, createRgbImage(30, 30), [11, 11, 19, 19]).outside).toBe(0);
    const poly = createRgbImage(30, 30);
    strokePolygon(poly, [[2, 2], [27, 2], [27, 27]], RED, 1);
    expect(pixelAt(poly, 14, 2)).toEqual([255, 0, 0]);
    expect(pixelAt(poly, 27, 14)).toEqual([255, 0, 0]);
    expect(pixelAt(poly, 14, 14)).toEqual([255, 0, 0]); // the closing diagonal
    expect(pixelAt(poly, 2, 14)).toEqual([0, 0, 0]);
  });

  it("prints text with the bitmap font inside its measured box", () => {
    const img = createRgbImage(100, 30);
    drawText(img, 10, 5, "Hi 42", [255, 255, 255], { scale: 2 });
    const { width, height } = measureText("Hi 42", 2);
    expect([width, height]).toEqual([60, 18]);
    const d = diffInside(img, createRgbImage(100, 30), [10, 5, 10 + width, 5 + height]);
    expect(d.outside).toBe(0);
    expect(d.inside).toBeGreaterThan(100);
    // 'H' has its left stem in its first column: rows 0..6 at scale 2.
    expect(pixelAt(img, 10, 5)).toEqual([255, 255, 255]);
    expect(pixelAt(img, 10, 5 + 13)).toEqual([255, 255, 255]);
    expect(pixelAt(img, 10, 5 + 14)).toEqual([0, 0, 0]);
  });

  it("parses CSS colours", () => {
    expect(parseColor("#ff8000")).toEqual([255, 128, 0]);
    expect(parseColor("#0f0")).toEqual([0, 255, 0]);
    expect(parseColor("rgba(1, 2, 3, 0.5)")).toEqual([1, 2, 3]);
    expect(parseColor(" Red ")).toEqual([255, 0, 0]);
    expect(() => parseColor("blurple")).toThrow(/Unknown colour "blurple"/);
    expect(colorForIndex(3)).toEqual(colorForIndex(23));
  });
});

describe("drawing results on a real frame", () => {
  it("draws detections, poses and text regions only where they are", async () => {
    const frame = await decodeImage(mediaPath("person.jpg"));
    const original = copy(frame);
    drawDetections(frame, [{ label: "person", classId: 0, score: 0.67, box: [187, 109, 276, 375], trackId: 4 }]);
    // The box and its caption tab above it (2x-scaled text, 18 px tall).
    const d = diffInside(frame, original, [187 - 2, 109 - 18, 187 + measureText("#4 person 0.67").width + 4, 375]);
    expect(d.outside).toBe(0);
    expect(d.inside).toBeGreaterThan(2 * (89 + 266) * 2);
    // The middle of the box is untouched.
    expect(pixelAt(frame, 230, 240)).toEqual(pixelAt(original, 230, 240));

    const posed = copy(original);
    const kp = (name: string, x: number, y: number, score = 0.9) => ({ name, x, y, score });
    const keypoints = [kp("nose", 238, 125), ...Array.from({ length: 4 }, (_, i) => kp(`face${i}`, 238, 125, 0.1)), kp("left_shoulder", 205, 150), kp("right_shoulder", 247, 150)];
    drawPoses(posed, [{ score: 0.8, keypoints }]);
    expect(diffInside(posed, original, [200, 120, 252, 155]).outside).toBe(0);
    expect(pixelAt(posed, 226, 150)).not.toEqual(pixelAt(original, 226, 150)); // shoulder line

    const texts = copy(original);
    drawTextRegions(texts, [{ box: [10, 10, 60, 30], polygon: [[10, 10], [60, 10], [60, 30], [10, 30]], score: 0.9 }]);
    expect(diffInside(texts, original, [9, 9, 62, 32]).outside).toBe(0);
  });

  it("renders the ops a project records with ctx.draw", () => {
    const img = createRgbImage(50, 50);
    const ops: DrawOp[] = [
      { kind: "box", box: [5, 5, 20, 20], color: "#00ff00", lineWidth: 1 },
      { kind: "line", from: [0, 40], to: [49, 40], color: "red", lineWidth: 1 },
      { kind: "points", points: [[30, 10]], radius: 2, color: "blue" },
      { kind: "polygon", points: [[30, 25], [45, 25], [45, 35]], closed: true },
      { kind: "text", at: [2, 44], text: "ok", size: 8, color: "white" },
    ];
    renderDrawOps(img, ops);
    expect(pixelAt(img, 5, 12)).toEqual([0, 255, 0]);
    expect(pixelAt(img, 25, 40)).toEqual([255, 0, 0]);
    expect(pixelAt(img, 30, 10)).toEqual([0, 0, 255]);
    expect(pixelAt(img, 40, 25)).toEqual([0, 255, 0]);
    expect(diffInside(img, createRgbImage(50, 50), [0, 0, 50, 50]).inside).toBeGreaterThan(100);
    expect(() => renderDrawOps(img, [{ kind: "line", from: [0, 0], to: [1, 1], color: "nope" }])).toThrow(/Unknown colour/);
  });
});
