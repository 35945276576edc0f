import { EdgelensError, type RuleActionConfig } from "@edgelens/shared";
import { compileTemplate, publishTopicProblem, type CompiledTemplate } from "@edgelens/shared/rules";
import { checkPayload } from "../../validation/check-payload";
import type { RuleAction, RuleActionInput } from "../rule-action";

/** Publishes as the broker, marking the payload with the rules that made it. */
export type RulePublisher = (topic: string, payload: Buffer, qos: 0 | 1, lineage: readonly string[]) => Promise<void>;

type RepublishConfig = Extract<RuleActionConfig, { type: "republish" }>;

/**
 * `republish`: the SELECT output as JSON to a topic template (`alerts/${device}`). A placeholder
 * fills part of one level only, and output sent onto a device topic must fit that topic's
 * schema like any other publish.
 */
export class RepublishAction implements RuleAction {
  readonly type = "republish";
  private readonly template: CompiledTemplate;

  constructor(
    private readonly config: RepublishConfig,
    private readonly publish: RulePublisher,
  ) {
    this.template = compileTemplate(config.topic);
  }

  async execute(input: RuleActionInput): Promise<void> {
    const topic = this.template.render(input.output, { topic: input.topic, clientId: input.clientId, timestamp: input.timestamp }, { topicSafe: true });
    const context = { rule: input.rule.name, topic, ...(input.deviceId ? { deviceId: input.deviceId } : {}) };
    const problem = publishTopicProblem(topic);
    if (problem) throw new EdgelensError("ACTION_FAILED", `republish to '${topic}': ${problem}`, context);
    const payload = Buffer.from(JSON.stringify(input.output));
    const check = checkPayload(topic, payload, false);
    if (!check.ok) throw new EdgelensError("ACTION_FAILED", `republish to '${topic}': output does not fit the topic: ${check.reason}`, context);
    try {
      await this.publish(topic, payload, this.config.qos, input.lineage);
    } catch (err) {
      throw new EdgelensError("ACTION_FAILED", `republish to '${topic}' failed: ${(err as Error).message}`, context, { cause: err });
    }
  }
}
