import type { FaceGallery, ProjectConfig } from "@edgelens/shared";
import type { ErrorCode } from "@edgelens/shared/errors";
import type { FrameTransform } from "@edgelens/vision/preprocess";
import type { FrameOutcome, LogLevel } from "@edgelens/vision/project";

/**
 * Messages between the agent and its function sandbox (one child process per loaded project),
 * over runtime/frame-channel.ts. A message with bytes (a model, a frame) carries them as the body.
 */

export interface InitMessage {
  type: "init";
  projectId: string;
  /** Compiled function (compileProjectFunction's `code`), or a file holding it. */
  code?: string;
  codePath?: string;
  /** Model name -> .onnx path. */
  models: Record<string, string>;
  config: ProjectConfig;
  /** The deployment's face gallery (docs/design.md "Face gallery"), handed to ctx.gallery. */
  gallery?: FaceGallery;
  threads?: number;
  /** ArrayBuffer memory (outside the V8 heap, which maxHeapMb bounds) the worker may hold. */
  maxArrayBufferMb?: number;
}

/**
 * What the sandbox is sent to load: the agent reads the code and the models (the sandbox may not
 * read the data dir), and sends each model's bytes as a `model` message before `start`.
 */
export interface ModelMessage {
  type: "model";
  name: string;
  /** For error messages only. */
  path: string;
}

export interface StartMessage {
  type: "start";
  projectId: string;
  code: string;
  config: ProjectConfig;
  gallery?: FaceGallery;
  threads?: number;
  maxArrayBufferMb?: number;
}

/**
 * The body is the frame's pixels, then the bytes of each prepared input (runtime/frame-wire.ts).
 */
export interface FrameMessage {
  type: "frame";
  id: number;
  width: number;
  height: number;
  seq: number;
  ts: number;
  /** Model inputs the agent prepared ahead for this frame, in body order. */
  inputs?: WireInput[];
}

/** A prepared input's description; its elements (4 bytes each) are in the body, not here. */
export interface WireInput {
  /** inputRequestKey of the request it answers. */
  key: string;
  type: "float32" | "int32";
  dims: number[];
  transform: FrameTransform;
}

/** A new face gallery for the running function (docs/design.md "Face gallery"): no reload. */
export interface GalleryMessage {
  type: "gallery";
  id: number;
  gallery: FaceGallery | null;
}

export type HostMessage = ModelMessage | StartMessage | FrameMessage | GalleryMessage | { type: "dispose" };

/** An EdgelensError flattened for the wire (class instances lose their prototype). */
export interface WireError {
  code: ErrorCode;
  message: string;
  context: Record<string, unknown>;
}

export interface ModelSummary {
  name: string;
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  outputs: { name: string; type: string; shape: (number | string)[] }[];
}

export type WorkerMessage =
  | { type: "ready"; models: ModelSummary[]; loadMs: number }
  | { type: "failed"; error: WireError }
  | { type: "result"; id: number; outcome: FrameOutcome }
  | { type: "frame-error"; id: number; error: WireError }
  /** The answer to a `gallery` message: in use from the next frame, or why not. */
  | { type: "gallery-set"; id: number; error?: WireError }
  | { type: "log"; level: LogLevel; message: string }
  /** User code threw outside infer (a timer, a stray promise): the sandbox exits after this. */
  | { type: "crashed"; error: WireError }
  | { type: "disposed" };
