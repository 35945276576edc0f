import { compileRule } from "./compile-rule";
import { RuleEvalError, RuleParseError } from "./rule-errors";
import { compileTemplate } from "./template";

/** A sample message for the console's rule "test" box. A string payload is parsed as JSON. */
export interface RuleSample {
  topic: string;
  payload: unknown;
  clientId?: string | null;
  timestamp?: number;
}

export interface RuleTestError {
  code: "RULE_PARSE_ERROR" | "RULE_EVAL_ERROR" | "INVALID_PAYLOAD";
  message: string;
  /** Where a parse error sits: in the SQL, or in `template` when that is set. */
  position?: number;
  line?: number;
  column?: number;
  expected?: readonly string[];
  template?: string;
}

export interface RenderedTemplate {
  template: string;
  topic?: string;
  error?: RuleTestError;
}

export type RuleTestResult =
  | { ok: true; topicMatches: boolean; matched: boolean; output: Record<string, unknown>; templates: RenderedTemplate[] }
  | { ok: false; error: RuleTestError };

function toTestError(err: unknown, template?: string): RuleTestError {
  if (err instanceof RuleParseError) {
    return { code: err.code as "RULE_PARSE_ERROR", message: err.message, position: err.position, line: err.line, column: err.column, expected: err.expected, ...(template ? { template } : {}) };
  }
  if (err instanceof RuleEvalError) return { code: "RULE_EVAL_ERROR", message: err.message, ...(template ? { template } : {}) };
  throw err;
}

/**
 * Parses the rule, evaluates it on the sample (whether or not the topic matches FROM, so the
 * box shows what SELECT would give) and renders the given republish topic templates.
 */
export function testRule(sql: string, sample: RuleSample, templates: readonly string[] = []): RuleTestResult {
  let payload = sample.payload;
  if (typeof payload === "string") {
    try {
      payload = JSON.parse(payload);
    } catch (err) {
      return { ok: false, error: { code: "INVALID_PAYLOAD", message: `the sample payload is not JSON: ${(err as Error).message}` } };
    }
  }
  let rule;
  try {
    rule = compileRule(sql);
  } catch (err) {
    return { ok: false, error: toTestError(err) };
  }
  const scope = { topic: sample.topic, clientId: sample.clientId ?? null, timestamp: sample.timestamp ?? Date.now() };
  const result = rule.evaluate({ payload, ...scope });
  const rendered = templates.map((template): RenderedTemplate => {
    try {
      return { template, topic: compileTemplate(template).render(result.output, scope, { topicSafe: true }) };
    } catch (err) {
      return { template, error: toTestError(err, template) };
    }
  });
  return { ok: true, topicMatches: rule.matchesTopic(sample.topic), matched: result.matched, output: result.output, templates: rendered };
}
