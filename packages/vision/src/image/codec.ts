import sharp from "sharp";
import { EdgelensError } from "@edgelens/shared/errors";
import { assertRgbImage, type RgbImage } from "./rgb-image";

/**
 * Decodes a JPEG or PNG (a file path or the encoded bytes) to packed RGB. EXIF orientation is
 * applied, alpha is dropped and grey or palette images are expanded, so callers always get
 * 3 bytes per pixel.
 */
export async function decodeImage(input: string | Uint8Array): Promise<RgbImage> {
  const what = typeof input === "string" ? input : `${input.length}-byte buffer`;
  try {
    const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (err) {
    throw new EdgelensError("INVALID_PAYLOAD", `Cannot decode image ${what}: ${(err as Error).message}`, { image: what }, { cause: err });
  }
}

export interface JpegOptions {
  /** 1..100, default 80. */
  quality?: number;
}

/** Encodes packed RGB as JPEG (for preview frames and snapshots). */
export async function encodeJpeg(image: RgbImage, options: JpegOptions = {}): Promise<Uint8Array> {
  assertRgbImage(image);
  const quality = options.quality ?? 80;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new EdgelensError("INVALID_PAYLOAD", `JPEG quality must be an integer 1..100, got ${quality}`);
  }
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
