import type { Box } from "@edgelens/shared/schemas";
import { assertRgbImage, createRgbImage, type RgbImage } from "./rgb-image";

/**
 * The part of `image` inside `box` grown by `margin` (a fraction of the box's larger side, on every
 * side), clipped to the image: a face cut from a snapshot keeps some hair and chin around it.
 */
export function cropImage(image: RgbImage, box: Box, margin = 0): RgbImage {
  assertRgbImage(image, "crop source");
  const grow = Math.max(box[2] - box[0], box[3] - box[1]) * margin;
  const x1 = Math.max(0, Math.floor(box[0] - grow));
  const y1 = Math.max(0, Math.floor(box[1] - grow));
  const x2 = Math.min(image.width, Math.ceil(box[2] + grow));
  const y2 = Math.min(image.height, Math.ceil(box[3] + grow));
  const out = createRgbImage(Math.max(1, x2 - x1), Math.max(1, y2 - y1));
  const rowBytes = Math.min(out.width, image.width - x1) * 3;
  for (let y = 0; y < out.height && y1 + y < image.height; y++) {
    const from = ((y1 + y) * image.width + x1) * 3;
    out.data.set(image.data.subarray(from, from + rowBytes), y * out.width * 3);
  }
  return out;
}
