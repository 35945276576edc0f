import { assertRgbImage, type RgbImage } from "../image/rgb-image";
import type { TensorLike } from "../onnx/model-runner";

/** faceres' input: the aligned crop (already 224x224) as `[1,224,224,3]` RGB 0..255 (human's enhance()). */
export function faceResToTensor(crop: RgbImage): TensorLike {
  assertRgbImage(crop, "face crop");
  return { type: "float32", data: Float32Array.from(crop.data), dims: [1, crop.height, crop.width, 3] };
}

// ITU-R BT.601 luma, the weights human's emotion module uses (MATLAB's rgb2gray).
const LUMA = [0.2989, 0.587, 0.114] as const;

/** The emotion model's input: the crop (already 64x64) as `[1,64,64,1]` luma in [-1, 1]. */
export function emotionToTensor(crop: RgbImage): TensorLike {
  assertRgbImage(crop, "face crop");
  const n = crop.width * crop.height;
  const out = new Float32Array(n);
  const d = crop.data;
  for (let i = 0; i < n; i++) {
    const grey = (LUMA[0] * d[3 * i]! + LUMA[1] * d[3 * i + 1]! + LUMA[2] * d[3 * i + 2]!) / 255;
    out[i] = (grey - 0.5) * 2;
  }
  return { type: "float32", data: out, dims: [1, crop.height, crop.width, 1] };
}
