import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { isEdgelensError } from "@edgelens/shared/errors";
import { createRgbImage, decodeImage, encodeJpeg } from "../src/image/index";
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
