export { defineProject } from "./define-project";
export type { Frame, InferReturn, ProjectContext, ProjectDefinition, ProjectLog, VisionHelpers } from "./define-project";
export { createDrawRecorder } from "./draw";
export type { DrawApi, DrawOp, DrawRecorder, KeypointLike, Point, StrokeStyle } from "./draw";
export { compileProjectFunction, PROJECT_API_MODULE } from "./compile";
export type { CompileDiagnostic, CompiledProject } from "./compile";
export { checkProjectDefinition, loadProjectModule } from "./load-module";
export { createProjectInstance } from "./instance";
export type { ClipAsk, FrameOutcome, LogLevel, ProjectInstance, ProjectInstanceOptions } from "./instance";
// Types a project function may want for its own state; type-only, so compiled functions stay free of imports.
export type { Detection, FunctionOutput, Pose, TextRegion } from "@edgelens/shared";
export type { LineCounter, Tracker } from "../tracker/index";
export type { Zone, ZoneCounter, ZoneCounts } from "../zones/index";
export type { TensorLike, ModelRunner } from "../onnx/model-runner";
