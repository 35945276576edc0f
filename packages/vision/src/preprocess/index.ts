export { toInputPoint, toSourceBox, toSourcePoint, type FrameTransform } from "./frame-transform";
export { NORMALIZATIONS, resolveNormalization, type Normalization, type NormalizationName } from "./normalization";
export { fitInputSize, planPlacement, type FitMode, type Placement, type PlacementOptions, type Region } from "./geometry";
export { letterboxToTensor, prepareInput, resizeImage, resizeToTensor, type InputTensor, type PreparedInput, type TensorLayout, type TensorOptions } from "./to-tensor";
