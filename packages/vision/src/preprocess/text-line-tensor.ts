import { EdgelensError } from "@edgelens/shared/errors";
import type { RgbImage } from "../image/rgb-image";
import { prepareInputWith, type InputTensor } from "./to-tensor";

export interface TextLineTensorOptions {
  /** Input height of the model. Default 48 (PP-OCRv3/v4 recognizer, direction classifier). */
  height?: number;
  /**
   * A fixed input width (the direction classifier: 192): a longer line is squeezed into it.
   * Without it the batch's widest line, at the model's height, sets the width.
   */
  width?: number;
  /** Without `width`: the narrowest batch width. Default 320 (PaddleOCR's rec_image_shape 3,48,320). */
  minWidth?: number;
}

/**
 * Text line crops as one `[N,3,H,W]` batch the way PaddleOCR's resize_norm_img makes them: each
 * line scaled to the height keeping its aspect (up to the width), left-aligned, BGR in [-1, 1],
 * the rest 0 (mid grey).
 */
export function textLinesToTensor(lines: readonly RgbImage[], options: TextLineTensorOptions = {}): InputTensor {
  if (lines.length === 0) throw new EdgelensError("INVALID_PAYLOAD", "textLinesToTensor: no text lines");
  const height = options.height ?? 48;
  const widest = Math.max(...lines.map((l) => Math.ceil((height * l.width) / l.height)));
  const width = options.width ?? Math.max(options.minWidth ?? 320, widest);
  const size = 3 * height * width;
  const data = new Float32Array(lines.length * size);
  lines.forEach((line, i) => {
    const slot = data.subarray(i * size, (i + 1) * size);
    const fits = Math.ceil((height * line.width) / line.height) <= width;
    prepareInputWith(() => slot, line, width, height, fits ? "letterbox" : "stretch", {
      layout: "nchw",
      normalize: "symmetric",
      channelOrder: "bgr",
      align: "top-left",
      padValue: 127.5,
    });
  });
  return { type: "float32", data, dims: [lines.length, 3, height, width] };
}
