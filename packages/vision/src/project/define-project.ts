// Type-only imports: user functions import this module's API, and it must stay free of runtime
// weight (docs/design.md "Projects and the function API").
import type { FaceGallery, FunctionOutput, ProjectConfig } from "@edgelens/shared";
import type { ModelRunner } from "../onnx/model-runner";
import type { visionHelpers } from "../vision-helpers";
import type { DrawApi } from "./draw";

/** One camera frame: packed RGB, 3 bytes per pixel, row-major, `width * height * 3` bytes. */
export interface Frame {
  data: Uint8Array;
  width: number;
  height: number;
  /** Counts the frames of the source (dropped ones too), so gaps show what the function skipped. */
  seq: number;
  /** When the frame was captured, ms since the Unix epoch. */
  ts: number;
}

export type VisionHelpers = typeof visionHelpers;

export interface ProjectLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProjectContext<TModel extends string = string, TConfig extends object = Record<string, unknown>> {
  readonly projectId: string;
  /** One ONNX session per model of the project, by the name the project gives it. */
  readonly models: Readonly<Record<TModel, ModelRunner>>;
  /** The function's defaults (`defineProject({config})`) overlaid by the deployment's config. */
  readonly config: Readonly<ProjectConfig & TConfig>;
  readonly vision: VisionHelpers;
  /**
   * The deployment's face gallery artifact (docs/design.md "Face gallery"): known people and their
   * descriptors, on the device so that recognition works offline. null when it carries none.
   * It can change between frames (a person added in the console reaches a running project): read
   * it in `infer`, and keep nothing derived from it in `setup` without checking it is the same object.
   */
  readonly gallery: FaceGallery | null;
  /** Publishes an extra result now, beside the one `infer` returns. */
  publish(output: FunctionOutput): void;
  /**
   * Asks the device for a video clip of this frame's source from `pre` s before the frame to
   * `post` s after it (defaults 5 and 5, each at most 60; docs/design.md "Clips"). Returns the
   * clip's id: put it in the result (`extra: {clipId}`) so a `store` rule's event links to the clip.
   */
  clip(pre?: number, post?: number): string;
  /** Overlay for the project stream, recorded per frame. */
  readonly draw: DrawApi;
  readonly log: ProjectLog;
}

/** What `infer` may return: the object to publish, or nothing to publish for this frame. */
export type InferReturn = FunctionOutput | null | undefined | void;

export interface ProjectDefinition<TModel extends string = string, TConfig extends object = Record<string, unknown>> {
  /** The model names the function uses; loading fails early when a deployment lacks one. */
  models?: readonly TModel[];
  /** Defaults of the function's own settings; a deployment's config overrides them key by key. */
  config?: TConfig;
  /** Runs once after the models load, before the first frame. */
  setup?(ctx: ProjectContext<TModel, TConfig>): void | Promise<void>;
  infer(frame: Frame, ctx: ProjectContext<TModel, TConfig>): InferReturn | Promise<InferReturn>;
}

/** Declares a project function. Identity at run time; it exists to type `ctx` and `frame`. */
export function defineProject<const TModel extends string = string, TConfig extends object = Record<string, unknown>>(
  definition: ProjectDefinition<TModel, TConfig>,
): ProjectDefinition<TModel, TConfig> {
  return definition;
}
