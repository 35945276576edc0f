export type { ModelRunner, TensorInfo, TensorLike, TensorType, TensorData } from "./model-runner";
export { inspectOnnx, type OnnxInspection } from "./inspect";
export { createOrtModelRunner, type OrtRunnerOptions } from "./ort-runner";
export { writeWeightsModel } from "./weights-model";
