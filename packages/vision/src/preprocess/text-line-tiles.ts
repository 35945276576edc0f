import { EdgelensError } from "@edgelens/shared/errors";
import { assertRgbImage, type RgbImage } from "../image/rgb-image";

/**
 * A long text line cut into pieces at most `maxAspect` times as wide as high (the last one ends at
 * the line's end, overlapping its neighbour), for a classifier trained on short crops: PP-OCR's
 * direction classifier sees 48x192 (aspect 4), and a whole 30:1 line squeezed into it is guessed
 * wrong. A line short enough is one piece.
 */
export function splitTextLine(line: RgbImage, maxAspect = 4): RgbImage[] {
  assertRgbImage(line, "text line");
  if (!(maxAspect > 0)) throw new EdgelensError("INVALID_PAYLOAD", `splitTextLine: maxAspect must be positive, got ${maxAspect}`);
  const tile = Math.max(1, Math.round(line.height * maxAspect));
  if (line.width <= tile) return [line];
  const count = Math.ceil(line.width / tile);
  const rowBytes = tile * 3;
  const tiles: RgbImage[] = [];
  for (let k = 0; k < count; k++) {
    const x0 = Math.min(k * tile, line.width - tile);
    const data = new Uint8Array(tile * line.height * 3);
    for (let y = 0; y < line.height; y++) {
      const from = (y * line.width + x0) * 3;
      data.set(line.data.subarray(from, from + rowBytes), y * rowBytes);
    }
    tiles.push({ data, width: tile, height: line.height });
  }
  return tiles;
}
