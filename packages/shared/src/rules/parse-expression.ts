import type { BinaryOp, Expr } from "./ast";
import { FUNCTIONS } from "./functions";
import { describeToken, isKeyword, tokenize, type Token } from "./lexer";
import { RuleParseError } from "./rule-errors";

/**
 * Recursive-descent expression parser. Precedence, loosest first:
 * OR, AND, NOT, comparison (non-associative), + -, * / %, unary -, postfix `.name` / `[expr]`.
 */
export class TokenStream {
  private index = 0;

  constructor(
    readonly source: string,
    readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.text === text;
  }

  isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === "word" && t.text.toUpperCase() === word;
  }

  expectOp(text: string, expected: readonly string[] = [`'${text}'`]): Token {
    if (!this.isOp(text)) throw this.error(expected);
    return this.next();
  }

  expectKeyword(word: string, expected: readonly string[] = [word]): Token {
    if (!this.isKeyword(word)) throw this.error(expected);
    return this.next();
  }

  error(expected: readonly string[], token = this.peek(), detail?: string): RuleParseError {
    return new RuleParseError(this.source, token.pos, expected, describeToken(token), detail);
  }
}

const COMPARISONS: Record<string, BinaryOp> = { "=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };
const EXPRESSION = "an expression";

export function parseExpression(s: TokenStream): Expr {
  return parseOr(s);
}

function parseOr(s: TokenStream): Expr {
  let left = parseAnd(s);
  while (s.isKeyword("OR")) {
    const op = s.next();
    left = { kind: "binary", op: "OR", left, right: parseAnd(s), pos: op.pos };
  }
  return left;
}

function parseAnd(s: TokenStream): Expr {
  let left = parseNot(s);
  while (s.isKeyword("AND")) {
    const op = s.next();
    left = { kind: "binary", op: "AND", left, right: parseNot(s), pos: op.pos };
  }
  return left;
}

function parseNot(s: TokenStream): Expr {
  if (s.isKeyword("NOT")) {
    const op = s.next();
    return { kind: "unary", op: "NOT", operand: parseNot(s), pos: op.pos };
  }
  return parseComparison(s);
}

/**
 * `x IN (a, b)` is `(x = a OR x = b)` and `x NOT IN (…)` its negation: sugar over `=`, so the
 * compiler and AWS's undefined semantics stay as they are. IN is not reserved: a field may be
 * called `in`, since a word after a complete operand can only be this operator.
 */
function parseIn(s: TokenStream, left: Expr): Expr {
  const negated = s.isKeyword("NOT");
  const start = s.next();
  if (negated) s.expectKeyword("IN");
  s.expectOp("(", ["'(' and a list"]);
  let out: Expr | null = null;
  for (;;) {
    const item = parseAdditive(s);
    const eq: Expr = { kind: "binary", op: "=", left, right: item, pos: item.pos };
    out = out ? { kind: "binary", op: "OR", left: out, right: eq, pos: item.pos } : eq;
    if (!s.isOp(",")) break;
    s.next();
  }
  s.expectOp(")", ["','", "')'"]);
  return negated ? { kind: "unary", op: "NOT", operand: out, pos: start.pos } : out;
}

function startsIn(s: TokenStream): boolean {
  const t = s.peek(1);
  return s.isKeyword("IN") || (s.isKeyword("NOT") && t.kind === "word" && t.text.toUpperCase() === "IN");
}

function parseComparison(s: TokenStream): Expr {
  const left = parseAdditive(s);
  if (startsIn(s)) return parseIn(s, left);
  const t = s.peek();
  const op = t.kind === "op" ? COMPARISONS[t.text] : undefined;
  if (!op) return left;
  s.next();
  const right = parseAdditive(s);
  const after = s.peek();
  if (after.kind === "op" && COMPARISONS[after.text]) {
    throw s.error(["AND", "OR"], after, `comparisons do not chain: use AND between them (found ${describeToken(after)})`);
  }
  return { kind: "binary", op, left, right, pos: t.pos };
}

function parseAdditive(s: TokenStream): Expr {
  let left = parseMultiplicative(s);
  while (s.isOp("+") || s.isOp("-")) {
    const op = s.next();
    left = { kind: "binary", op: op.text as BinaryOp, left, right: parseMultiplicative(s), pos: op.pos };
  }
  return left;
}

function parseMultiplicative(s: TokenStream): Expr {
  let left = parseUnary(s);
  while (s.isOp("*") || s.isOp("/") || s.isOp("%")) {
    const op = s.next();
    left = { kind: "binary", op: op.text as BinaryOp, left, right: parseUnary(s), pos: op.pos };
  }
  return left;
}

function parseUnary(s: TokenStream): Expr {
  if (s.isOp("-")) {
    const op = s.next();
    return { kind: "unary", op: "-", operand: parseUnary(s), pos: op.pos };
  }
  return parsePostfix(s);
}

function parsePostfix(s: TokenStream): Expr {
  let expr = parsePrimary(s);
  for (;;) {
    if (s.isOp(".")) {
      s.next();
      const t = s.peek();
      // Any word may name a field after '.', keywords included (`state.from`).
      if (t.kind !== "word" && t.kind !== "quoted") throw s.error(["a field name"]);
      s.next();
      expr = { kind: "member", object: expr, name: t.text, pos: t.pos };
    } else if (s.isOp("[")) {
      const open = s.next();
      const index = parseExpression(s);
      s.expectOp("]", ["']'"]);
      expr = { kind: "index", object: expr, index, pos: open.pos };
    } else {
      return expr;
    }
  }
}

function parsePrimary(s: TokenStream): Expr {
  const t = s.peek();
  switch (t.kind) {
    case "number":
      s.next();
      return { kind: "literal", value: t.value ?? 0, pos: t.pos };
    case "string":
      s.next();
      return { kind: "literal", value: t.text, pos: t.pos };
    case "quoted":
      s.next();
      return { kind: "field", name: t.text, pos: t.pos };
    case "op":
      if (t.text === "(") {
        s.next();
        const inner = parseExpression(s);
        s.expectOp(")", ["')'"]);
        return inner;
      }
      throw s.error([EXPRESSION]);
    case "word":
      return parseWord(s, t);
    default:
      throw s.error([EXPRESSION]);
  }
}

function parseWord(s: TokenStream, t: Token): Expr {
  const upper = t.text.toUpperCase();
  if (upper === "TRUE" || upper === "FALSE") {
    s.next();
    return { kind: "literal", value: upper === "TRUE", pos: t.pos };
  }
  if (upper === "NULL") {
    s.next();
    return { kind: "literal", value: null, pos: t.pos };
  }
  if (isKeyword(t.text)) throw s.error([EXPRESSION]);
  s.next();
  if (!s.isOp("(")) return { kind: "field", name: t.text, pos: t.pos };
  return parseCall(s, t);
}

function parseCall(s: TokenStream, nameToken: Token): Expr {
  const name = nameToken.text.toLowerCase();
  const spec = FUNCTIONS[name];
  if (!spec) {
    throw s.error(["a known function"], nameToken, `unknown function '${nameToken.text}' (known: ${Object.keys(FUNCTIONS).join(", ")})`);
  }
  s.expectOp("(");
  const args: Expr[] = [];
  if (!s.isOp(")")) {
    for (;;) {
      args.push(parseExpression(s));
      if (s.isOp(",")) {
        s.next();
        continue;
      }
      break;
    }
  }
  s.expectOp(")", args.length === 0 ? [EXPRESSION, "')'"] : ["','", "')'"]);
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
    throw s.error([`${want} arguments`], nameToken, `${name}() takes ${want} argument(s), got ${args.length}`);
  }
  for (const i of spec.pathArgs ?? []) {
    const arg = args[i];
    if (arg && !(arg.kind === "literal" && typeof arg.value === "string")) {
      throw new RuleParseError(s.source, arg.pos, ["a quoted path such as 'score'"], "an expression", `argument ${i + 1} of ${name}() must be a quoted path such as 'score'`);
    }
    if (arg && arg.kind === "literal" && typeof arg.value === "string") parseEmbeddedExpression(s.source, arg.value, arg.pos + 1, "path");
  }
  return { kind: "call", name, args, pos: nameToken.pos };
}

/**
 * Parses `text`, which sits at offset `start` of `source` (a quoted path argument, a template
 * placeholder), as one expression; errors point into `source`.
 */
export function parseEmbeddedExpression(source: string, text: string, start: number, what: string): Expr {
  try {
    return parseStandaloneExpression(text);
  } catch (err) {
    if (err instanceof RuleParseError) {
      throw new RuleParseError(source, start + err.position, err.expected, err.found, `in ${what} '${text}': ${err.reason}`);
    }
    throw err;
  }
}

/** Parses a whole string as one expression (used by paths and template placeholders). */
export function parseStandaloneExpression(text: string): Expr {
  const s = new TokenStream(text, tokenize(text));
  if (s.peek().kind === "eof") throw s.error([EXPRESSION]);
  const expr = parseExpression(s);
  if (s.peek().kind !== "eof") throw s.error(["an operator", "end of input"]);
  return expr;
}
