import { isEdgelensError } from "@edgelens/shared/errors";
import type { EdgelensDb } from "@edgelens/db";
import type { RuleActionConfig } from "@edgelens/shared";
import type { Logger, RateLimitedLog } from "../log";
import { describeError } from "../log";
import type { BrokerMetrics } from "../metrics";
import type { ParsedPayloads } from "../validation/parsed-payloads";
import { deviceTopicOf } from "../validation/topic-cache";
import { MAX_RULE_CHAIN, type RuleLineage } from "./lineage";
import type { RuleAction, RuleActionInput } from "./rule-action";
import type { RuleCounters } from "./rule-counters";
import { loadRules, recordRuleProblem, type LoadedRule } from "./rule-store";

export interface RuleMessage {
  topic: string;
  payload: Buffer;
  clientId: string | null;
  timestamp: number;
}

export interface RuleEngineDeps {
  db: EdgelensDb;
  log: Logger;
  rateLimitedLog: RateLimitedLog;
  metrics: BrokerMetrics;
  payloads: ParsedPayloads;
  lineage: RuleLineage;
  counters: RuleCounters;
  createAction: (config: RuleActionConfig) => RuleAction;
}

/**
 * Runs the enabled rules on every message: FROM filter, then the pure WHERE/SELECT, then the
 * actions, asynchronously. Only JSON payloads are evaluated. Each rule is isolated: an
 * evaluation or action failure counts against that rule and runs its error action, nothing else.
 */
export class RuleEngine {
  private rules: LoadedRule[] = [];
  private fingerprint = "";
  private readonly inFlight = new Set<Promise<void>>();
  private byTopic = new Map<string, readonly LoadedRule[]>();

  constructor(private readonly d: RuleEngineDeps) {}

  get size(): number {
    return this.rules.length;
  }

  /** Re-reads the rules table; rebuilds only when a rule changed. Returns whether it did. */
  reload(): boolean {
    const set = loadRules(this.d.db, this.d.createAction);
    if (set.fingerprint === this.fingerprint) return false;
    this.fingerprint = set.fingerprint;
    this.rules = set.rules;
    this.byTopic = new Map();
    for (const problem of set.problems) {
      this.d.log.warn(`rule '${problem.name}' not loaded: ${problem.message}`, { code: "RULE_PARSE_ERROR", ruleId: problem.id });
      recordRuleProblem(this.d.db, problem);
    }
    this.d.log.info("rules loaded", { running: this.rules.length, refused: set.problems.length });
    return true;
  }

  /**
   * Runs the matching rules; resolves once the writes their actions must make durable before the
   * sender's PUBACK (`store`) are committed, or returns undefined when there are none.
   */
  onMessage(message: RuleMessage): Promise<unknown> | undefined {
    if (this.rules.length === 0) return undefined;
    const lineage = this.d.lineage.of(message.payload);
    if (lineage.length >= MAX_RULE_CHAIN) {
      this.d.rateLimitedLog(`chain:${message.topic}`, "warn", `rule chain of ${lineage.length} stopped at ${message.topic}`, { code: "RULE_EVAL_ERROR", rules: lineage });
      return undefined;
    }
    const writes: Promise<unknown>[] = [];
    let input: unknown;
    let deviceId: string | null = null;
    let parsed = false;
    for (const rule of this.matching(message.topic)) {
      if (lineage.includes(rule.id)) continue;
      if (!parsed) {
        input = this.d.payloads.json(message.payload);
        deviceId = deviceTopicOf(message.topic)?.deviceId ?? null;
        parsed = true;
      }
      if (input === undefined) return undefined;
      this.runRule(rule, message, input, deviceId, lineage, writes);
    }
    return writes.length === 0 ? undefined : writes.length === 1 ? writes[0] : Promise.all(writes);
  }

  /** Waits (bounded) for running actions, e.g. webhooks, at shutdown. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  /** Rules whose FROM matches `topic`, memoised per topic (topics repeat: one per device and kind). */
  private matching(topic: string): readonly LoadedRule[] {
    let hit = this.byTopic.get(topic);
    if (!hit) {
      if (this.byTopic.size >= 50_000) this.byTopic.clear();
      hit = this.rules.filter((r) => r.compiled.matchesTopic(topic));
      this.byTopic.set(topic, hit);
    }
    return hit;
  }

  private runRule(rule: LoadedRule, message: RuleMessage, input: unknown, deviceId: string | null, lineage: readonly string[], writes: Promise<unknown>[]): void {
    let result;
    try {
      result = rule.compiled.evaluate({ payload: input, topic: message.topic, clientId: message.clientId, timestamp: message.timestamp });
    } catch (err) {
      this.fail(rule, actionInputOf(rule, message, input, deviceId, lineage, {}, writes), "evaluate", err);
      return;
    }
    if (!result.matched) return;
    this.d.counters.execution(rule.id);
    this.d.metrics.ruleExecutions.inc({ rule: rule.name });
    const matched = actionInputOf(rule, message, input, deviceId, lineage, result.output, writes);
    for (const action of rule.actions) {
      this.track(action.execute(matched).catch((err: unknown) => this.fail(rule, matched, action.type, err)));
    }
  }

  private fail(rule: LoadedRule, input: RuleActionInput, stage: string, err: unknown): void {
    const message = describeError(err);
    const code = isEdgelensError(err) ? err.code : stage === "evaluate" ? "RULE_EVAL_ERROR" : "ACTION_FAILED";
    this.d.counters.error(rule.id, `${stage}: ${message}`);
    this.d.metrics.ruleFailures.inc({ rule: rule.name });
    this.d.rateLimitedLog(`rule:${rule.id}:${stage}`, "warn", `rule '${rule.name}' ${stage} failed: ${message}`, {
      code,
      ruleId: rule.id,
      topic: input.topic,
      ...(input.deviceId ? { deviceId: input.deviceId } : {}),
    });
    if (!rule.errorAction) return;
    // AWS IoT's error action gets the failure and the rule's context; its own failure stops here.
    const errorInput: RuleActionInput = {
      ...input,
      output: { ruleName: rule.name, ruleId: rule.id, topic: input.topic, clientId: input.clientId, failedAction: stage, error: { code, message }, output: input.output, ts: input.timestamp },
    };
    this.track(
      rule.errorAction.execute(errorInput).catch((e: unknown) => {
        this.d.counters.error(rule.id, `error action: ${describeError(e)}`);
        this.d.rateLimitedLog(`rule:${rule.id}:error-action`, "error", `rule '${rule.name}' error action failed: ${describeError(e)}`, { code: "ACTION_FAILED", ruleId: rule.id });
      }),
    );
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}

/** Most rules do not match most messages: an action input is built only for those that do. */
function actionInputOf(rule: LoadedRule, message: RuleMessage, input: unknown, deviceId: string | null, lineage: readonly string[], output: Record<string, unknown>, writes: Promise<unknown>[]): RuleActionInput {
  return {
    rule: { id: rule.id, name: rule.name },
    topic: message.topic,
    clientId: message.clientId,
    deviceId,
    output,
    input,
    timestamp: message.timestamp,
    lineage: [...lineage, rule.id],
    durable: (write) => writes.push(write),
  };
}
