import type { FunctionOutput, InferenceResult } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { toInferenceResult } from "../pipeline/to-inference-result";
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
        result = toInferenceResult(output, { deviceId: this.deviceId, ...meta, seq });
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
