import type { Expr, RuleAst, SelectItem } from "./ast";
import { isKeyword, tokenize } from "./lexer";
import { parseExpression, TokenStream } from "./parse-expression";
import { RuleParseError } from "./rule-errors";
import { topicFilterProblem } from "./topic-filter";

/**
 * `SELECT <* | expr [AS name], ...> FROM '<topic filter>' [WHERE <expr>]`, the AWS IoT SQL
 * subset of docs/design.md "Rules". Throws RuleParseError with the position and what was expected.
 */
export function parseRule(sql: string): RuleAst {
  const s = new TokenStream(sql, tokenize(sql));
  s.expectKeyword("SELECT");
  const select = parseSelectList(s);
  s.expectKeyword("FROM", ["','", "AS", "FROM"]);
  const fromToken = s.peek();
  if (fromToken.kind !== "string") throw s.error(["a quoted topic filter such as 'edgelens/devices/+/infer'"]);
  s.next();
  const problem = topicFilterProblem(fromToken.text);
  if (problem) throw new RuleParseError(sql, fromToken.pos, ["a valid MQTT topic filter"], `'${fromToken.text}'`, `invalid topic filter '${fromToken.text}': ${problem}`);
  let where: Expr | null = null;
  if (s.isKeyword("WHERE")) {
    s.next();
    where = parseExpression(s);
  }
  if (s.peek().kind !== "eof") throw s.error(where ? ["an operator", "end of input"] : ["WHERE", "end of input"]);
  return { select, from: fromToken.text, fromPos: fromToken.pos, where };
}

function parseSelectList(s: TokenStream): SelectItem[] {
  const items: SelectItem[] = [];
  for (;;) {
    items.push(parseSelectItem(s, items.length + 1));
    if (!s.isOp(",")) return items;
    s.next();
  }
}

function parseSelectItem(s: TokenStream, position: number): SelectItem {
  if (s.isOp("*")) {
    const star = s.next();
    return { kind: "star", pos: star.pos };
  }
  if (s.isKeyword("FROM") || s.peek().kind === "eof") throw s.error(["'*'", "an expression"]);
  const start = s.peek().pos;
  const expr = parseExpression(s);
  if (s.isKeyword("AS")) {
    s.next();
    const alias = s.peek();
    // A keyword needs back-quotes to be a name: `AS from` would hide a missing FROM clause.
    if ((alias.kind !== "word" && alias.kind !== "quoted") || (alias.kind === "word" && isKeyword(alias.text))) throw s.error(["a column name"]);
    s.next();
    return { kind: "column", expr, name: alias.text, pos: start };
  }
  return { kind: "column", expr, name: defaultColumnName(expr, position), pos: start };
}

/** Unaliased columns take the last field name of a path, a function's name, else `_<n>`. */
function defaultColumnName(expr: Expr, position: number): string {
  switch (expr.kind) {
    case "field":
    case "member":
      return expr.name;
    case "index":
      return expr.index.kind === "literal" && typeof expr.index.value === "string" ? expr.index.value : defaultColumnName(expr.object, position);
    case "call":
      return expr.name;
    default:
      return `_${position}`;
  }
}
