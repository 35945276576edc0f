import type { RuleAst } from "./ast";
import { compileExpression, type Compiled } from "./compile-expression";
import { parseRule } from "./parse-rule";
import { topicMatches } from "../topics";

/** One message as a rule sees it. `payload` is the parsed JSON. */
export interface RuleInput {
  payload: unknown;
  topic: string;
  clientId?: string | null;
  /** ms since the epoch; `timestamp()` returns it. Defaults to now. */
  timestamp?: number;
}

export interface RuleResult {
  /** WHERE held (or there was none). */
  matched: boolean;
  /** The SELECTed object; fields whose value is undefined are left out. Empty when not matched. */
  output: Record<string, unknown>;
}

export interface CompiledRule {
  ast: RuleAst;
  /** The FROM topic filter. */
  from: string;
  matchesTopic(topic: string): boolean;
  /** Runs WHERE then SELECT; a pure function of the input. Never throws for any JSON payload. */
  evaluate(input: RuleInput): RuleResult;
}

type Column = { star: true } | { star: false; name: string; value: Compiled };

/** Parses and compiles a rule once; evaluate it per message. Throws RuleParseError. */
export function compileRule(sql: string): CompiledRule {
  const ast = parseRule(sql);
  const where = ast.where ? compileExpression(ast.where) : null;
  const columns: Column[] = ast.select.map((item) => (item.kind === "star" ? { star: true } : { star: false, name: item.name, value: compileExpression(item.expr) }));
  const from = ast.from;
  return {
    ast,
    from,
    matchesTopic: (topic) => topicMatches(from, topic),
    evaluate(input) {
      const scope = { root: input.payload, topic: input.topic, clientId: input.clientId ?? null, timestamp: input.timestamp ?? Date.now() };
      if (where && where(scope) !== true) return { matched: false, output: {} };
      const output: Record<string, unknown> = {};
      for (const column of columns) {
        if (column.star) {
          spreadPayload(output, input.payload);
          continue;
        }
        const value = column.value(scope);
        if (value !== undefined) output[column.name] = value;
      }
      return { matched: true, output };
    },
  };
}

/** `SELECT *` copies an object payload's fields; any other JSON value lands under `value`. */
function spreadPayload(output: Record<string, unknown>, payload: unknown): void {
  if (typeof payload === "object" && payload !== null && !Array.isArray(payload)) {
    for (const [k, v] of Object.entries(payload)) output[k] = v;
  } else if (payload !== undefined) {
    output.value = payload;
  }
}
