import { EdgelensError } from "@edgelens/shared/errors";
import type { TensorLike } from "../onnx/model-runner";
import { assertRgbImage, type RgbImage } from "../image/rgb-image";
import { resampleRgb, sampleAxis, type OutputLayout } from "./bilinear";
import type { FrameTransform } from "./frame-transform";
import { planPlacement, type FitMode, type Placement, type PlacementOptions } from "./geometry";
import { resolveNormalization, type Normalization, type NormalizationName } from "./normalization";

export type TensorLayout = "nhwc" | "nchw";

export interface TensorOptions extends PlacementOptions {
  /** Default "nhwc" (the TF.js models); PP-OCR wants "nchw". */
  layout?: TensorLayout;
  /** Default "float32"; MoveNet wants "int32" (values are rounded). */
  dtype?: "float32" | "int32";
  /** Default "raw" (0..255). */
  normalize?: Normalization | NormalizationName;
  /** "bgr" feeds models trained on OpenCV-loaded images (PaddleOCR). Default "rgb". */
  channelOrder?: "rgb" | "bgr";
  /** Letterbox only: the pixel value (0..255, before normalization) of the padding. Default 0. */
  padValue?: number;
}

export interface InputTensor extends TensorLike {
  type: "float32" | "int32";
  data: Float32Array | Int32Array;
}

/** A model input and how to map its coordinates back to the frame. */
export interface PreparedInput {
  tensor: InputTensor;
  transform: FrameTransform;
}

function layoutFor(p: Placement, layout: TensorLayout): OutputLayout {
  const { inputWidth: w, inputHeight: h, padX, padY } = p.transform;
  if (layout === "nchw") return { offset: padY * w + padX, rowStride: w, pixelStride: 1, channelStride: w * h };
  if (layout === "nhwc") return { offset: (padY * w + padX) * 3, rowStride: w * 3, pixelStride: 3, channelStride: 1 };
  throw new EdgelensError("INVALID_PAYLOAD", `Unknown tensor layout "${String(layout)}" (nhwc or nchw)`);
}

function resampleInto(frame: RgbImage, p: Placement, out: Float32Array | Uint8ClampedArray, layout: OutputLayout, affine: ReturnType<typeof resolveNormalization>, swapRB: boolean): void {
  const t = p.transform;
  const xs = sampleAxis(p.drawWidth, t.cropX, p.drawWidth / t.scaleX, frame.width, 3);
  const ys = sampleAxis(p.drawHeight, t.cropY, p.drawHeight / t.scaleY, frame.height, 1);
  resampleRgb(frame.data, frame.width * 3, xs, ys, out, layout, affine.a, affine.b, swapRB);
}

function fillPadding(out: Float32Array, p: Placement, layout: TensorLayout, values: readonly number[]): void {
  const { inputWidth: w, inputHeight: h } = p.transform;
  if (p.drawWidth === w && p.drawHeight === h) return;
  if (layout === "nchw") {
    for (let c = 0; c < 3; c++) out.fill(values[c] ?? 0, c * w * h, (c + 1) * w * h);
    return;
  }
  const [v0 = 0, v1 = 0, v2 = 0] = values;
  for (let i = 0; i < out.length; i += 3) {
    out[i] = v0;
    out[i + 1] = v1;
    out[i + 2] = v2;
  }
}

/**
 * Where a tensor's elements go: a fresh array by default; a pool hands out reused ones (every
 * element is written on each use, so a reused buffer gives the same tensor as a fresh one).
 */
export type TensorAllocator = (type: "float32" | "int32", length: number) => Float32Array | Int32Array;

const freshTensor: TensorAllocator = (type, length) => (type === "int32" ? new Int32Array(length) : new Float32Array(length));

/** Resizes `frame` (bilinear) into a `[1,H,W,3]` or `[1,3,H,W]` tensor for a model. */
export function prepareInput(frame: RgbImage, width: number, height: number, mode: FitMode, options: TensorOptions = {}): PreparedInput {
  return prepareInputWith(freshTensor, frame, width, height, mode, options);
}

/** prepareInput with the tensor's memory from `allocate` (see TensorAllocator). */
export function prepareInputWith(allocate: TensorAllocator, frame: RgbImage, width: number, height: number, mode: FitMode, options: TensorOptions = {}): PreparedInput {
  assertRgbImage(frame, "frame");
  const layoutName = options.layout ?? "nhwc";
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "int32") throw new EdgelensError("INVALID_PAYLOAD", `Unsupported tensor dtype "${String(dtype)}" (float32 or int32)`);
  const p = planPlacement(frame.width, frame.height, width, height, mode, options);
  const layout = layoutFor(p, layoutName);
  const affine = resolveNormalization(options.normalize);
  const out = allocate("float32", width * height * 3) as Float32Array;
  const pad = options.padValue ?? 0;
  fillPadding(out, p, layoutName, [0, 1, 2].map((c) => pad * (affine.a[c] as number) + (affine.b[c] as number)));
  resampleInto(frame, p, out, layout, affine, options.channelOrder === "bgr");
  const dims = layoutName === "nchw" ? [1, 3, height, width] : [1, height, width, 3];
  if (dtype === "float32") return { tensor: { type: "float32", data: out, dims }, transform: p.transform };
  const ints = allocate("int32", out.length) as Int32Array;
  for (let i = 0; i < out.length; i++) ints[i] = Math.round(out[i] as number);
  return { tensor: { type: "int32", data: ints, dims }, transform: p.transform };
}

/** Plain (stretch) resize to `width x height` as a tensor: `const {tensor, transform} = resize(frame, 512, 512)`. */
export function resizeToTensor(frame: RgbImage, width: number, height: number, options?: TensorOptions): PreparedInput {
  return prepareInput(frame, width, height, "stretch", options);
}

/** Aspect-preserving resize padded to `width x height` as a tensor. */
export function letterboxToTensor(frame: RgbImage, width: number, height: number, options?: TensorOptions): PreparedInput {
  return prepareInput(frame, width, height, "letterbox", options);
}

/** Resizes to an 8-bit RGB image (previews, crops, uint8 models) with the same geometry options. */
export function resizeImage(frame: RgbImage, width: number, height: number, options: PlacementOptions & { mode?: FitMode; padValue?: number } = {}): { image: RgbImage; transform: FrameTransform } {
  assertRgbImage(frame, "frame");
  const p = planPlacement(frame.width, frame.height, width, height, options.mode ?? "stretch", options);
  const data = new Uint8Array(width * height * 3);
  if (options.padValue) data.fill(options.padValue);
  const clamped = new Uint8ClampedArray(data.buffer);
  resampleInto(frame, p, clamped, layoutFor(p, "nhwc"), { a: [1, 1, 1], b: [0, 0, 0] }, false);
  return { image: { data, width, height }, transform: p.transform };
}
