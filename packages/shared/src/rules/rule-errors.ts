import { EdgelensError } from "../errors";

/** Where in the source text a parse error sits: 0-based offset plus 1-based line/column. */
export interface SourcePosition {
  position: number;
  line: number;
  column: number;
}

export function locate(source: string, position: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}

/**
 * A rule (or template) that does not parse. `expected` lists what would have been accepted at
 * `position`, `found` describes what was there, so an editor can point at the exact spot.
 */
export class RuleParseError extends EdgelensError {
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly expected: readonly string[];
  readonly found: string;
  /** The message without its location prefix. */
  readonly reason: string;

  constructor(source: string, position: number, expected: readonly string[], found: string, detail?: string) {
    const at = locate(source, position);
    const what = detail ?? `expected ${formatExpected(expected)} but found ${found}`;
    super("RULE_PARSE_ERROR", `line ${at.line}, column ${at.column}: ${what}`, {
      position,
      line: at.line,
      column: at.column,
      expected: [...expected],
      found,
    });
    this.name = "RuleParseError";
    this.position = position;
    this.line = at.line;
    this.column = at.column;
    this.expected = expected;
    this.found = found;
    this.reason = what;
  }
}

/** A rule that parsed but could not produce a value it must produce (e.g. a template placeholder). */
export class RuleEvalError extends EdgelensError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("RULE_EVAL_ERROR", message, context);
    this.name = "RuleEvalError";
  }
}

function formatExpected(expected: readonly string[]): string {
  if (expected.length === 0) return "nothing more";
  if (expected.length === 1) return expected[0] ?? "";
  return `${expected.slice(0, -1).join(", ")} or ${expected[expected.length - 1] ?? ""}`;
}
