export { compareAccuracy, type AccuracyOptions, type AccuracyReport } from "./accuracy";
export { framesToFeeds, imageInputProfile, listCalibrationImages, loadFrames, type ImageInputProfile } from "./image-feeds";
export { optimizeModelInt8, QUANTIZATION_METADATA_KEY, type OptimizeInt8Options, type OptimizeInt8Result } from "./optimize-int8";
export { quantizeModel, QUANTIZER_VERSION, type QuantizeOptions, type QuantizeProgress, type QuantizeResult } from "./quantize-model";
export type { CalibrationMethod } from "./calibrate";
export type { KeepFloat } from "./plan";
export type { RgbImage } from "../image/index";
