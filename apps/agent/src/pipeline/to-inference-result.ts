import { InferenceResultSchema, formatZodError, type FunctionOutput, type InferenceResult } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { PipelineResult } from "./pipeline";

export interface ResultIds {
  deviceId: string;
  projectId: string;
  deploymentId?: string;
  /** The deployment's result counter: +1 per published result (docs/design.md "Inference results"). */
  seq: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** One InferenceResult of a processed frame (its `output`, or one of its `published` extras). */
export function toInferenceResult(result: PipelineResult, output: FunctionOutput, ids: ResultIds): InferenceResult {
  const candidate = {
    ...output,
    deviceId: ids.deviceId,
    projectId: ids.projectId,
    ...(ids.deploymentId ? { deploymentId: ids.deploymentId } : {}),
    seq: ids.seq,
    ts: result.frame.ts,
    frame: { width: result.frame.width, height: result.frame.height },
    latencyMs: { total: round(result.latencyMs.total), inference: round(result.latencyMs.inference) },
  };
  const parsed = InferenceResultSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new EdgelensError("INVALID_PAYLOAD", `result of frame ${result.frame.seq} is not a valid InferenceResult: ${formatZodError(parsed.error)}`, {
      deviceId: ids.deviceId,
      projectId: ids.projectId,
    });
  }
  return parsed.data;
}
