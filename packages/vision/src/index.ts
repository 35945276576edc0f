/**
 * @edgelens/vision: frames in, InferenceResult parts out. Subpaths (`/media`, `/onnx`, `/models`,
 * `/converter`, `/project`, `/preprocess`, `/overlay`, `/image`, `/helpers`) load less; this entry
 * re-exports all of them but `/project` and `/media`.
 */
export * from "./image/index";
export * from "./preprocess/index";
export * from "./postprocess/index";
export * from "./tracker/index";
export * from "./zones/index";
export * from "./head-pose/index";
export * from "./face-recognition/index";
export * from "./overlay/index";
export * from "./onnx/index";
export * from "./models/index";
export * from "./converter/index";

export { visionHelpers } from "./vision-helpers";
