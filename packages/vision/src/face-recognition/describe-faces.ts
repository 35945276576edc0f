import { EdgelensError } from "@edgelens/shared/errors";
import type { RgbImage } from "../image/rgb-image";
import type { ModelRunner } from "../onnx/model-runner";
import { decodeBlazeFace, type FaceDetection } from "../postprocess/decode-blazeface";
import { letterboxToTensor } from "../preprocess/to-tensor";
import { alignFace } from "./align-face";
import { decodeFaceRes, type FaceAttributes } from "./decode-faceres";
import { faceResToTensor } from "./face-tensors";

export interface FaceModels {
  /** BlazeFace. */
  detector: ModelRunner;
  /** faceres. */
  descriptor: ModelRunner;
}

export interface DescribedFace extends FaceAttributes {
  detection: FaceDetection;
}

const feed = (runner: ModelRunner): string => runner.inputs[0]?.name ?? "input";

/** Every face BlazeFace finds in `frame` (score ≥ `minScore`), aligned and described by faceres. */
export async function describeFaces(frame: RgbImage, models: FaceModels, minScore = 0.5): Promise<DescribedFace[]> {
  const { tensor, transform } = letterboxToTensor(frame, 256, 256, { normalize: "symmetric" });
  const detections = decodeBlazeFace(await models.detector.run({ [feed(models.detector)]: tensor }), { transform, scoreThreshold: minScore });
  const described: DescribedFace[] = [];
  for (const detection of detections) {
    const crop = alignFace(frame, detection).image;
    const outputs = await models.descriptor.run({ [feed(models.descriptor)]: faceResToTensor(crop) });
    described.push({ detection, ...decodeFaceRes(outputs) });
  }
  return described;
}

/**
 * The descriptor of a gallery photo, which must show exactly one face: a photo with none or with
 * several would put the wrong face (or nobody) under a person's name. INVALID_PAYLOAD names the
 * photo and the count.
 */
export async function describeGalleryPhoto(frame: RgbImage, models: FaceModels, photo: string): Promise<DescribedFace> {
  const faces = await describeFaces(frame, models);
  if (faces.length !== 1) {
    const what = faces.length === 0 ? "no face" : `${faces.length} faces`;
    throw new EdgelensError("INVALID_PAYLOAD", `gallery photo ${photo}: ${what} found, expected exactly one`, { photo, faces: faces.length });
  }
  return faces[0]!;
}
