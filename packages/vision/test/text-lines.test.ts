import { describe, expect, it } from "vitest";
import { decodeCtc, decodeTextDirection, createTextFilter } from "../src/postprocess/index";
import { cropTextLine, perspectiveTransform, rotateImage, splitTextLine, textLinesToTensor, warpQuad } from "../src/preprocess/index";
import { pixelAt, synthImage } from "./vision-fixtures";

// A 40x20 image: red left half, blue right half, a green band over rows 0-4.
const sample = () => synthImage(40, 20, (x, y) => (y < 5 ? [0, 255, 0] : x < 20 ? [255, 0, 0] : [0, 0, 255]));

describe("text line geometry", () => {
  it("perspectiveTransform maps each corner onto its target", () => {
    const from = [[0, 0], [100, 0], [100, 30], [0, 30]] as const;
    const to = [[10, 5], [120, 20], [115, 50], [5, 40]] as const;
    const m = perspectiveTransform(from, to);
    for (let i = 0; i < 4; i++) {
      const [x, y] = from[i]!;
      const w = m[6] * x + m[7] * y + m[8];
      expect((m[0] * x + m[1] * y + m[2]) / w).toBeCloseTo(to[i]![0], 6);
      expect((m[3] * x + m[4] * y + m[5]) / w).toBeCloseTo(to[i]![1], 6);
    }
    expect(() => perspectiveTransform(from, [[0, 0], [1, 1], [2, 2], [3, 3]])).toThrow(/three corners on a line/);
  });

  it("warpQuad of the whole image is the image; of a tilted rectangle, the rectangle levelled", () => {
    const img = sample();
    expect(warpQuad(img, [[0, 0], [40, 0], [40, 20], [0, 20]], 40, 20).data).toEqual(img.data);
    // The same picture turned 10 degrees about (60, 60) on a white 120x120 canvas, then cut back out.
    const a = (10 * Math.PI) / 180;
    const turn = (x: number, y: number): [number, number] => [60 + (x - 20) * Math.cos(a) - (y - 10) * Math.sin(a), 60 + (x - 20) * Math.sin(a) + (y - 10) * Math.cos(a)];
    const canvas = synthImage(120, 120, (x, y) => {
      // Inverse turn of the pixel centre into the 40x20 picture.
      const dx = x + 0.5 - 60;
      const dy = y + 0.5 - 60;
      const u = dx * Math.cos(a) + dy * Math.sin(a) + 20;
      const v = -dx * Math.sin(a) + dy * Math.cos(a) + 10;
      if (u < 0 || u >= 40 || v < 0 || v >= 20) return [255, 255, 255];
      return pixelAt(img, Math.floor(u), Math.floor(v));
    });
    const line = cropTextLine(canvas, [turn(0, 0), turn(40, 0), turn(40, 20), turn(0, 20)]);
    expect([line.width, line.height]).toEqual([40, 20]);
    expect(pixelAt(line, 5, 12)).toEqual([255, 0, 0]);
    expect(pixelAt(line, 35, 12)).toEqual([0, 0, 255]);
    expect(pixelAt(line, 20, 1)).toEqual([0, 255, 0]);
  });

  it("cropTextLine turns a tall crop (vertical text) a quarter counter-clockwise; refuses a bad polygon", () => {
    const tall = synthImage(10, 40, (_x, y) => (y < 20 ? [255, 0, 0] : [0, 0, 255]));
    const line = cropTextLine(tall, [[0, 0], [10, 0], [10, 40], [0, 40]]);
    expect([line.width, line.height]).toEqual([40, 10]);
    expect(pixelAt(line, 5, 5)).toEqual([255, 0, 0]);
    expect(() => cropTextLine(tall, [[0, 0], [1, 1]])).toThrow(/4 corners/);
  });

  it("rotateImage turns by quarter turns counter-clockwise (numpy rot90)", () => {
    const img = sample();
    const q = rotateImage(img, 1);
    expect([q.width, q.height]).toEqual([20, 40]);
    expect(pixelAt(q, 2, 39)).toEqual([0, 255, 0]); // the green top band is now on the left
    expect(pixelAt(q, 10, 0)).toEqual([0, 0, 255]); // the right half is now on top
    const h = rotateImage(img, 2);
    expect(pixelAt(h, 39, 19)).toEqual(pixelAt(img, 0, 0));
    expect(rotateImage(rotateImage(img, 3), 1).data).toEqual(img.data);
  });

  it("splitTextLine cuts a long line into 1:4 pieces, the last ending at the line's end", () => {
    const line = synthImage(100, 10, (x) => [x, 0, 0]);
    const pieces = splitTextLine(line, 4);
    expect(pieces.map((p) => p.width)).toEqual([40, 40, 40]);
    expect(pixelAt(pieces[1]!, 0, 0)).toEqual([40, 0, 0]);
    expect(pixelAt(pieces[2]!, 39, 9)).toEqual([99, 0, 0]);
    expect(splitTextLine(synthImage(30, 10, () => [0, 0, 0]), 4)).toHaveLength(1);
  });

  it("textLinesToTensor batches lines at height 48, left-aligned, BGR in [-1, 1], padded with 0", () => {
    const red = synthImage(20, 10, () => [255, 0, 0]);
    const t = textLinesToTensor([red, synthImage(60, 10, () => [0, 0, 0])], { minWidth: 100 });
    expect(t.dims).toEqual([2, 3, 48, 288]);
    const at = (n: number, c: number, y: number, x: number) => t.data[((n * 3 + c) * 48 + y) * 288 + x];
    expect([at(0, 0, 10, 5), at(0, 2, 10, 5)]).toEqual([-1, 1]); // B then R: red is B=-1, R=1
    expect(at(0, 2, 10, 200)).toBe(0); // padding
    expect(at(1, 1, 47, 287)).toBe(-1); // the 60x10 line fills its row: 288 = ceil(48*6)
    expect(textLinesToTensor([synthImage(100, 10, () => [0, 0, 0])], { width: 192 }).dims).toEqual([1, 3, 48, 192]);
  });
});

describe("text line decoding", () => {
  const tensor = (rows: number[][][]) => ({ type: "float32", data: Float32Array.from(rows.flat(2)), dims: [rows.length, rows[0]!.length, rows[0]![0]!.length] });

  it("decodeCtc takes the best class per step, collapses repeats, drops blanks, and scores by the mean", () => {
    const chars = ["", "a", "b"];
    const out = decodeCtc(tensor([[[0.1, 0.9, 0], [0.2, 0.8, 0], [0.9, 0.1, 0], [0.3, 0.7, 0], [0, 0.4, 0.6]], [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]]), { characters: chars });
    expect(out[0]?.text).toBe("aab");
    expect(out[0]?.score).toBeCloseTo((0.9 + 0.7 + 0.6) / 3, 6);
    expect(out[1]).toEqual({ text: "", score: 0 });
    expect(() => decodeCtc(tensor([[[1, 0]]]), { characters: chars })).toThrow(/2 classes but the dictionary has 3/);
  });

  it("decodeTextDirection says 0 or 180 with the winning probability", () => {
    expect(decodeTextDirection({ data: Float32Array.from([0.9, 0.1, 0.2, 0.8]), dims: [2, 2] })).toEqual([
      { angle: 0, score: expect.closeTo(0.9, 6) },
      { angle: 180, score: expect.closeTo(0.8, 6) },
    ]);
  });

  it("createTextFilter keeps matching strings, all for an empty pattern, and names the field of a bad one", () => {
    const plate = createTextFilter("^[A-Z]{2}-?[0-9]{3}-?[A-Z]{2}$");
    expect(["AB-123-CD", "AB123CD", "hello", "AB-123-CD!"].filter(plate)).toEqual(["AB-123-CD", "AB123CD"]);
    expect(createTextFilter("")("anything")).toBe(true);
    expect(() => createTextFilter("(", "pattern")).toThrow(expect.objectContaining({ code: "INVALID_CONFIG", context: expect.objectContaining({ field: "pattern" }) }));
    expect(() => createTextFilter(5)).toThrow(/config\.pattern must be a string/);
  });
});
