import { COCO_LABELS } from "./models/coco-labels";
import { MOVENET_KEYPOINTS } from "./models/movenet-keypoints";
import { PPOCR_CHARACTERS } from "./models/ppocr-keys";
import { drawCaption, drawDetections, drawPoses, drawTextRegions } from "./overlay/draw-results";
import { drawText, measureText } from "./overlay/bitmap-font";
import { colorForIndex, parseColor } from "./overlay/color";
import { drawLine, fillCircle, fillRect, strokePolygon, strokeRect } from "./overlay/raster";
import { alignFace, decodeEmotion, decodeFaceRes, descriptorDistance, emotionToTensor, FACE_MATCH_THRESHOLD, faceResToTensor, matchGallery, normalizeDescriptor, validateFaceAttributes, validateMatchThreshold } from "./face-recognition/index";
import { EMOTION_LABELS } from "./models/emotion-labels";
import { decodeFaceMesh, estimateHeadPose, faceRegion, HEAD_POSE_LANDMARKS, headPoseAxes } from "./head-pose/index";
import { countLabels } from "./postprocess/count-labels";
import { BLAZEFACE_LANDMARKS, decodeBlazeFace } from "./postprocess/decode-blazeface";
import { decodeCenterNet } from "./postprocess/decode-centernet";
import { decodeCtc } from "./postprocess/decode-ctc";
import { decodeDbText } from "./postprocess/decode-db";
import { decodeTextDirection } from "./postprocess/decode-text-direction";
import { createTextFilter } from "./postprocess/text-pattern";
import { COCO_SKELETON, decodeMoveNet } from "./postprocess/decode-movenet";
import { boxIou, nonMaxSuppression, weightedNonMaxSuppression } from "./postprocess/nms";
import { toInputPoint, toSourceBox, toSourcePoint } from "./preprocess/frame-transform";
import { fitInputSize } from "./preprocess/geometry";
import { NORMALIZATIONS } from "./preprocess/normalization";
import { cropTextLine, warpQuad } from "./preprocess/perspective-crop";
import { rotateImage } from "./preprocess/rotate-image";
import { textLinesToTensor } from "./preprocess/text-line-tensor";
import { splitTextLine } from "./preprocess/text-line-tiles";
import { letterboxToTensor, prepareInput, resizeImage, resizeToTensor } from "./preprocess/to-tensor";
import { createLineCounter } from "./tracker/line-counter";
import { createTracker } from "./tracker/iou-tracker";
import { createZoneCounter } from "./zones/zone-counter";
import { anchorPoint, boxInZone, pointInPolygon, validateZones, zonePixels } from "./zones/zone-geometry";

/**
 * `ctx.vision` of a project function (docs/design.md "Projects and the function API"): the pure
 * helpers of this package, no I/O. Frozen because every project in a worker shares it.
 * e.g. `const {tensor, transform} = ctx.vision.resize(frame, 512, 512)`.
 */
export const visionHelpers = Object.freeze({
  // Frame -> model input, and model coordinates -> frame pixels.
  resize: resizeToTensor,
  letterbox: letterboxToTensor,
  prepareInput,
  resizeImage,
  fitInputSize,
  toSourcePoint,
  toSourceBox,
  toInputPoint,
  normalizations: NORMALIZATIONS,
  // Text lines: cut out level (perspective-corrected), turned, batched for PP-OCR's cls/rec.
  cropTextLine,
  warpQuad,
  rotateImage,
  textLinesToTensor,
  splitTextLine,
  // Model outputs -> InferenceResult parts.
  iou: boxIou,
  nms: nonMaxSuppression,
  weightedNms: weightedNonMaxSuppression,
  decodeCenterNet,
  decodeBlazeFace,
  decodeMoveNet,
  decodeDbText,
  decodeTextDirection,
  decodeCtc,
  createTextFilter,
  countLabels,
  // Head pose: the crop facemesh wants, its landmarks in the frame, and yaw/pitch/roll from them.
  faceRegion,
  decodeFaceMesh,
  estimateHeadPose,
  headPoseAxes,
  headPoseLandmarks: HEAD_POSE_LANDMARKS,
  // Face recognition: the upright crop from the eye landmarks, faceres/emotion tensors and outputs, gallery matching.
  alignFace,
  faceResToTensor,
  emotionToTensor,
  decodeFaceRes,
  decodeEmotion,
  normalizeDescriptor,
  descriptorDistance,
  matchGallery,
  validateMatchThreshold,
  validateFaceAttributes,
  faceMatchThreshold: FACE_MATCH_THRESHOLD,
  // State across frames.
  createTracker,
  createLineCounter,
  // Zones of the config: counts per zone and label, dwell time of tracked objects.
  createZoneCounter,
  validateZones,
  pointInPolygon,
  anchorPoint,
  boxInZone,
  zonePixels,
  // Drawing on an RGB frame in place.
  drawDetections,
  drawPoses,
  drawTextRegions,
  drawCaption,
  drawText,
  measureText,
  drawLine,
  strokeRect,
  fillRect,
  fillCircle,
  strokePolygon,
  parseColor,
  colorForIndex,
  // Tables.
  labels: Object.freeze({ coco: COCO_LABELS, movenet: MOVENET_KEYPOINTS, blazeface: BLAZEFACE_LANDMARKS, ppocr: PPOCR_CHARACTERS, emotion: EMOTION_LABELS }),
  skeleton: COCO_SKELETON,
});
