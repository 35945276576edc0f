export { COCO_LABELS, type CocoLabel } from "./coco-labels";
export { PPOCR_CHARACTERS, PPOCR_KEYS_V1 } from "./ppocr-keys";
export { EMOTION_LABELS, type Emotion } from "./emotion-labels";
export { MOVENET_KEYPOINTS, type MovenetKeypoint } from "./movenet-keypoints";
export { SAMPLE_MODEL_NAMES, SAMPLE_MODEL_SOURCES, type SampleModelName, type SampleModelSource } from "./sample-models";
export {
  sampleModelsDir,
  readModelManifest,
  getSampleModel,
  isSampleModelName,
  type SampleModel,
  type SampleModelEntry,
  type SampleModelManifest,
} from "./manifest";
export { buildSampleModels, ensureSampleModels, type BuildEvent, type BuildOptions, type BuildResult } from "./build-sample-models";
