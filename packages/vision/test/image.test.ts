import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { isEdgelensError } from "@edgelens/shared/errors";
import { createRgbImage, cropImage, decodeImage, encodeJpeg } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { pixelAt, synthImage } from "./vision-fixtures";

describe("decodeImage / encodeJpeg", () => {
  it("decodes dog.jpg from a path to 768x576 packed RGB", async () => {
    const img = await decodeImage(mediaPath("dog.jpg"));
    expect([img.width, img.height, img.data.length]).toEqual([768, 576, 768 * 576 * 3]);
    // Not a blank decode: the photo has bright sky and dark shadows.
    let min = 255;
    let max = 0;
    for (const v of img.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBeLessThan(20);
    expect(max).toBeGreaterThan(235);
  });

  it("decodes a PNG from a buffer to 3 channels", async () => {
    const img = await decodeImage(await readFile(mediaPath("imageTextN.png")));
    expect([img.width, img.height, img.data.length]).toEqual([556, 257, 556 * 257 * 3]);
    // Black text on white paper: the corner is paper.
    expect(pixelAt(img, 2, 2).every((v) => v > 200)).toBe(true);
  });

  it("round-trips through JPEG with the quality honoured", async () => {
    const img = synthImage(64, 48, (x, y) => [x * 4, y * 5, 128]);
    const hi = await encodeJpeg(img, { quality: 95 });
    const lo = await encodeJpeg(img, { quality: 10 });
    expect([hi[0], hi[1]]).toEqual([0xff, 0xd8]);
    expect(lo.length).toBeLessThan(hi.length);
    const back = await decodeImage(hi);
    expect([back.width, back.height]).toEqual([64, 48]);
    const [r, g, b] = pixelAt(back, 40, 30);
    expect(Math.abs(r - 160)).toBeLessThan(8);
    expect(Math.abs(g - 150)).toBeLessThan(8);
    expect(Math.abs(b - 128)).toBeLessThan(8);
  });

  it("fails clearly on bytes that are not an image", async () => {
    const err = await decodeImage(new Uint8Array([1, 2, 3, 4])).catch((e: unknown) => e);
    expect(isEdgelensError(err) && err.code).toBe("INVALID_PAYLOAD");
    expect(String(err)).toMatch(/Cannot decode image 4-byte buffer/);
  });

  it("refuses malformed frames and qualities", async () => {
    const img = createRgbImage(4, 4);
    await expect(encodeJpeg({ ...img, width: 5 })).rejects.toThrow(/needs 60 bytes, got 48/);
    await expect(encodeJpeg(img, { quality: 0 })).rejects.toThrow(/quality must be an integer 1..100/);
    expect(() => createRgbImage(0, 3)).toThrow(/positive integers/);
  });
});

describe("cropImage", () => {
  /** 10x8, each pixel's red = x and green = y: a crop shows where it came from. */
  const grid = () => {
    const img = createRgbImage(10, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) img.data.set([x, y, 0], (y * 10 + x) * 3);
    return img;
  };
  const at = (img: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 2));

  it("takes the box grown by the margin of its larger side", () => {
    const out = cropImage(grid(), [4, 3, 6, 5], 0.5);
    expect([out.width, out.height]).toEqual([4, 4]);
    expect(at(out, 0, 0)).toEqual([3, 2]);
    expect(at(out, 3, 3)).toEqual([6, 5]);
  });

  it("clips at the edges instead of reading outside the image", () => {
    const out = cropImage(grid(), [7, 5, 10, 8], 1);
    expect([out.width, out.height]).toEqual([6, 6]);
    expect(at(out, 0, 0)).toEqual([4, 2]);
    expect(at(out, 5, 5)).toEqual([9, 7]);
  });
});
