import { InferenceResultSchema, formatZodError, type FunctionOutput, type InferenceResult } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";

/** What the device adds to a function's output to make it an `infer` message (docs/design.md "Inference results"). */
export interface ResultStamp {
  deviceId: string;
  projectId: string;
  deploymentId?: string;
  /** The deployment's result counter: +1 per published result. */
  seq: number;
  frame: { width: number; height: number; ts: number };
  latencyMs: { total: number; inference: number };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The one builder of an InferenceResult, for the daemon (ResultPublisher) and the simulator
 * alike: the function's output (or one of its `publish`ed extras) plus the stamp. An output
 * that does not make a valid result is the function's failure: FUNCTION_FAILED, as the worker
 * reports an invalid return value.
 */
export function toInferenceResult(output: FunctionOutput, stamp: ResultStamp): InferenceResult {
  const parsed = InferenceResultSchema.safeParse({
    ...output,
    deviceId: stamp.deviceId,
    projectId: stamp.projectId,
    ...(stamp.deploymentId ? { deploymentId: stamp.deploymentId } : {}),
    seq: stamp.seq,
    ts: stamp.frame.ts,
    frame: { width: stamp.frame.width, height: stamp.frame.height },
    latencyMs: { total: round(stamp.latencyMs.total), inference: round(stamp.latencyMs.inference) },
  });
  if (!parsed.success) {
    throw new EdgelensError("FUNCTION_FAILED", `result is not a valid InferenceResult: ${formatZodError(parsed.error)}`, {
      deviceId: stamp.deviceId,
      projectId: stamp.projectId,
      ...(stamp.deploymentId ? { deploymentId: stamp.deploymentId } : {}),
    });
  }
  return parsed.data;
}
