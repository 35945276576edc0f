import type { ProjectConfig } from "@edgelens/shared";
import type { ErrorCode } from "@edgelens/shared/errors";
import type { Frame, FrameOutcome, LogLevel } from "@edgelens/vision/project";

/** Messages between the agent and its project worker (one worker per loaded project). */

export interface InitMessage {
  type: "init";
  projectId: string;
  /** Compiled function (compileProjectFunction's `code`), or a file holding it. */
  code?: string;
  codePath?: string;
  /** Model name -> .onnx path. */
  models: Record<string, string>;
  config: ProjectConfig;
  threads?: number;
  /** ArrayBuffer memory (outside the V8 heap, which maxHeapMb bounds) the worker may hold. */
  maxArrayBufferMb?: number;
}

export interface FrameMessage {
  type: "frame";
  id: number;
  /** `data` is backed by a SharedArrayBuffer: both sides see it, nothing is copied. */
  frame: Frame;
}

export type HostMessage = InitMessage | FrameMessage | { type: "dispose" };

/** An EdgelensError flattened for postMessage (class instances lose their prototype). */
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
  | { type: "log"; level: LogLevel; message: string }
  | { type: "disposed" };
