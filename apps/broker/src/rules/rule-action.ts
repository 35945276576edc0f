import type { RuleActionConfig } from "@edgelens/shared";

/** One matched message as an action receives it. */
export interface RuleActionInput {
  rule: { id: string; name: string };
  topic: string;
  clientId: string | null;
  /** The device of a device topic, else null. */
  deviceId: string | null;
  /** The SELECT output: what actions send or store. */
  output: Record<string, unknown>;
  /** The message's own JSON payload (labels are read from it). */
  input: unknown;
  timestamp: number;
  /** Ids of the rules that produced this message, this rule last; republish tags its output with it. */
  lineage: readonly string[];
  /**
   * An action whose write must be durable before the sender's PUBACK (`store`) hands that write
   * here; the broker acknowledges once it resolves (src/delivery/durable-ack.ts).
   */
  durable?: (write: Promise<unknown>) => void;
}

/**
 * The seam between the rules runner and what rules do. Implementations never block the broker:
 * `execute` is asynchronous, and a rejection is the action's failure (counted, error action).
 */
export interface RuleAction {
  readonly type: RuleActionConfig["type"];
  execute(input: RuleActionInput): Promise<void>;
}
