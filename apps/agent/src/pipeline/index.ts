export { Pipeline } from "./pipeline";
export type { FrameMeta, FrameProcessor, PipelineEvents, PipelineFrameError, PipelineOptions, PipelineResult, PipelineStats } from "./pipeline";
export { percentile, pruneSamples, resultsPerSecond, samplesInWindow, summarizeLatencies } from "./latency-stats";
export type { LatencySample, LatencySummary } from "./latency-stats";
export { toInferenceResult } from "./to-inference-result";
export type { ResultStamp } from "./to-inference-result";
