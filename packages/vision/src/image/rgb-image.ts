import { EdgelensError } from "@edgelens/shared/errors";

/** Packed RGB, 3 bytes per pixel, row-major, no padding: the frame format of the whole platform. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A black image of the given size. */
export function createRgbImage(width: number, height: number): RgbImage {
  checkSize(width, height, "image");
  return { data: new Uint8Array(width * height * 3), width, height };
}

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new EdgelensError("INVALID_PAYLOAD", `${what}: width and height must be positive integers, got ${width}x${height}`);
  }
}

/** Throws a clear error unless `image` is a well-formed RgbImage; `what` names it in the message. */
export function assertRgbImage(image: RgbImage, what = "image"): void {
  if (image === null || typeof image !== "object" || !(image.data instanceof Uint8Array)) {
    throw new EdgelensError("INVALID_PAYLOAD", `${what}: expected {data: Uint8Array, width, height}`);
  }
  checkSize(image.width, image.height, what);
  const expected = image.width * image.height * 3;
  if (image.data.length !== expected) {
    throw new EdgelensError("INVALID_PAYLOAD", `${what}: ${image.width}x${image.height} RGB needs ${expected} bytes, got ${image.data.length}`);
  }
}
