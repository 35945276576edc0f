export { toInputPoint, toSourceBox, toSourcePoint, type FrameTransform } from "./frame-transform";
export { NORMALIZATIONS, resolveNormalization, type Normalization, type NormalizationName } from "./normalization";
export { fitInputSize, planPlacement, type FitMode, type Placement, type PlacementOptions, type Region } from "./geometry";
export {
  letterboxToTensor,
  prepareInput,
  prepareInputWith,
  resizeImage,
  resizeToTensor,
  type InputTensor,
  type PreparedInput,
  type TensorAllocator,
  type TensorLayout,
  type TensorOptions,
} from "./to-tensor";
export { createTensorPool, type TensorPool, type TensorPoolOptions } from "./tensor-pool";
export { inputRequestKey, MAX_PLANNED_INPUTS, prepareRequests, toInputRequest, type FrameWithInputs, type InputRequest, type PreparedEntry } from "./input-plan";
export { cropTextLine, perspectiveTransform, warpQuad, type Homography, type Quad, type QuadPoint } from "./perspective-crop";
export { rotateImage } from "./rotate-image";
export { textLinesToTensor, type TextLineTensorOptions } from "./text-line-tensor";
export { splitTextLine } from "./text-line-tiles";
