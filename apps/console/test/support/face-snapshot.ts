/** Event snapshots with known faces for the People tests, made from the media files (nothing committed). */
import { cropImage, decodeImage, encodeJpeg } from "@edgelens/vision/image";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { resizeImage } from "@edgelens/vision/preprocess";

/** basketball1.png (640x480) with Messi's face pasted at x 400-600, right of the player: two faces, left to right. */
export async function twoFaceSnapshot(): Promise<Uint8Array> {
  const base = await decodeImage(faceMediaPath("basketball1.png"));
  const face = resizeImage(cropImage(await decodeImage(mediaPath("messi5.jpg")), [170, 50, 310, 190]), 200, 200).image;
  for (let y = 0; y < face.height; y++) base.data.set(face.data.subarray(y * face.width * 3, (y + 1) * face.width * 3), ((60 + y) * base.width + 400) * 3);
  return encodeJpeg(base, { quality: 92 });
}
