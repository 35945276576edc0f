import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import { decodeImage } from "../image/index";
import type { RgbImage } from "../image/index";
import type { TensorInfo, TensorLike } from "../onnx/model-runner";
import { letterboxToTensor, resizeToTensor, type FrameTransform } from "../preprocess/index";

/** How a model wants an image, by its input (the sample models' rows of the README table). */
export interface ImageInputProfile {
  kind: "centernet" | "blazeface" | "movenet" | "image";
  input: string;
  toFeed(frame: RgbImage): { feed: Record<string, TensorLike>; transform: FrameTransform };
}

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp"]);

/**
 * The model's own preprocessing, told from its one image input: CenterNet's [1,512,512,3] float
 * stretch resize, BlazeFace's [1,256,256,3] letterbox in [-1,1], MoveNet's int32 letterbox; any
 * other fixed [1,H,W,3] float input gets a 0..255 stretch resize ([1,3,H,W]: NCHW, 0..1).
 */
export function imageInputProfile(inputs: TensorInfo[], model: string): ImageInputProfile {
  const input = inputs[0];
  const dims = input?.shape.map(Number) ?? [];
  if (!input || inputs.length !== 1 || dims.length !== 4 || dims.some((d) => !(d > 0))) {
    throw new EdgelensError("INVALID_MODEL", `model "${model}" needs one fixed-shape image input to calibrate on images (has: ${inputs.map((i) => `${i.name} [${i.shape.join(",")}]`).join(", ")})`, { model });
  }
  const [, a, b, c] = dims as [number, number, number, number];
  const name = input.name;
  const profile = (kind: ImageInputProfile["kind"], make: (f: RgbImage) => ReturnType<typeof resizeToTensor>): ImageInputProfile => ({
    kind,
    input: name,
    toFeed: (frame) => {
      const { tensor, transform } = make(frame);
      return { feed: { [name]: tensor }, transform };
    },
  });
  if (c === 3 && input.type === "int32") return profile(a === 192 && b === 192 ? "movenet" : "image", (f) => letterboxToTensor(f, b, a, { dtype: "int32" }));
  if (c === 3 && input.type === "float32" && a === 512 && b === 512 && name === "tower_0/images") return profile("centernet", (f) => resizeToTensor(f, 512, 512));
  if (c === 3 && input.type === "float32" && a === 256 && b === 256) return profile("blazeface", (f) => letterboxToTensor(f, 256, 256, { normalize: "symmetric" }));
  if (c === 3 && input.type === "float32") return profile("image", (f) => resizeToTensor(f, b, a));
  if (a === 3 && input.type === "float32") return profile("image", (f) => resizeToTensor(f, c, b, { layout: "nchw", normalize: "unit" }));
  throw new EdgelensError("INVALID_MODEL", `model "${model}" input "${name}" [${dims.join(",")}] ${input.type} is not an image input the optimizer knows how to fill`, { model, input: name });
}

/** The photos in a directory (not recursive), sorted by name; none is an error naming the dir. */
export async function listCalibrationImages(dir: string, model: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new EdgelensError("NOT_FOUND", `calibration directory ${dir} cannot be read: ${(err as Error).message}`, { model, path: dir }, { cause: err });
  }
  const images = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort().map((n) => join(dir, n));
  if (images.length === 0) {
    throw new EdgelensError("INVALID_PAYLOAD", `model "${model}": no calibration images (.jpg, .png, .webp) in ${dir}`, { model, path: dir });
  }
  return images;
}

export async function loadFrames(paths: string[]): Promise<RgbImage[]> {
  return Promise.all(paths.map((p) => decodeImage(p)));
}

export function framesToFeeds(profile: ImageInputProfile, frames: RgbImage[]): Record<string, TensorLike>[] {
  return frames.map((f) => profile.toFeed(f).feed);
}
