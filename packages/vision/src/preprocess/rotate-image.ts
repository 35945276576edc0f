import { EdgelensError } from "@edgelens/shared/errors";
import { assertRgbImage, type RgbImage } from "../image/rgb-image";

/**
 * `image` turned by `quarterTurns` x 90 degrees counter-clockwise (numpy's rot90): 2 turns it
 * upside down (PP-OCR's direction classifier says when a line needs it).
 */
export function rotateImage(image: RgbImage, quarterTurns: number): RgbImage {
  assertRgbImage(image, "image");
  if (!Number.isInteger(quarterTurns)) throw new EdgelensError("INVALID_PAYLOAD", `rotateImage: quarterTurns must be an integer, got ${quarterTurns}`);
  const k = ((quarterTurns % 4) + 4) % 4;
  const { width: w, height: h, data } = image;
  if (k === 0) return { data: data.slice(), width: w, height: h };
  const turned = k % 2 === 1;
  const ow = turned ? h : w;
  const oh = turned ? w : h;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // The source pixel of output (x, y) for each turn.
      const sx = k === 1 ? w - 1 - y : k === 2 ? w - 1 - x : y;
      const sy = k === 1 ? x : k === 2 ? h - 1 - y : h - 1 - x;
      const s = (sy * w + sx) * 3;
      const o = (y * ow + x) * 3;
      out[o] = data[s]!;
      out[o + 1] = data[s + 1]!;
      out[o + 2] = data[s + 2]!;
    }
  }
  return { data: out, width: ow, height: oh };
}
