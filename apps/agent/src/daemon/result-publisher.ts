import { InferenceResultSchema, formatZodError, type FunctionOutput, type InferenceResult } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import { topics } from "@edgelens/shared/topics";
import type { Spool } from "../spool/spool";

export interface ResultMeta {
  deploymentId: string;
  projectId: string;
  frame: { width: number; height: number; ts: number };
  latencyMs: { total: number; inference: number };
}

/**
 * Turns a function's output into an `InferenceResult`, numbers it (seq per deployment, from the
 * spool, in the same transaction as the row) and spools it for `infer` at QoS 1.
 */
export class ResultPublisher {
  private published = 0;

  constructor(
    private readonly deviceId: string,
    private readonly spool: Spool,
    private readonly kick: () => void,
  ) {}

  publish(output: FunctionOutput, meta: ResultMeta): InferenceResult {
    const topic = topics.infer(this.deviceId);
    let result: InferenceResult | undefined;
    this.spool.enqueueWithSeq(
      meta.deploymentId,
      topic,
      (seq) => {
        const parsed = InferenceResultSchema.safeParse({
          ...output,
          deviceId: this.deviceId,
          projectId: meta.projectId,
          deploymentId: meta.deploymentId,
          seq,
          ts: meta.frame.ts,
          frame: { width: meta.frame.width, height: meta.frame.height },
          latencyMs: { total: round(meta.latencyMs.total), inference: round(meta.latencyMs.inference) },
        });
        if (!parsed.success) {
          throw new EdgelensError("FUNCTION_FAILED", `result is not a valid InferenceResult: ${formatZodError(parsed.error)}`, {
            deviceId: this.deviceId,
            projectId: meta.projectId,
            deploymentId: meta.deploymentId,
          });
        }
        result = parsed.data;
        return JSON.stringify(result);
      },
      { qos: 1 },
    );
    this.published += 1;
    this.kick();
    return result!;
  }

  count(): number {
    return this.published;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
