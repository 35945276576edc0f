import { RuleParseError } from "./rule-errors";

/**
 * Tokens of the AWS IoT SQL subset. Keywords are case-insensitive words; identifiers may be
 * back-quoted to hold any character (`hot dog`); strings use single or double quotes with
 * doubled quotes or backslash escapes inside.
 */
export type TokenKind = "word" | "quoted" | "number" | "string" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** The word, operator or decoded string/identifier. */
  text: string;
  /** Numeric value of a number token. */
  value?: number;
  pos: number;
  end: number;
}

const TWO_CHAR_OPS = new Set(["<>", "!=", "<=", ">="]);
const ONE_CHAR_OPS = new Set(["*", ",", "(", ")", ".", "[", "]", "+", "-", "/", "%", "=", "<", ">"]);

function isWordStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isWordPart(c: string): boolean {
  return isWordStart(c) || isDigit(c);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function readQuoted(source: string, start: number, quote: string): { text: string; end: number } {
  let out = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (c === "\\" && quote !== "`") {
      const next = source[i + 1];
      if (next === undefined) break;
      out += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
      continue;
    }
    if (c === quote) {
      if (source[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return { text: out, end: i + 1 };
    }
    out += c;
    i++;
  }
  const what = quote === "`" ? "quoted identifier" : "string";
  throw new RuleParseError(source, start, [`closing ${quote}`], "end of input", `unterminated ${what} starting here`);
}

function readNumber(source: string, start: number): { value: number; end: number } {
  const match = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(start));
  const text = match?.[0] ?? "";
  const end = start + text.length;
  if (isWordStart(source[end] ?? "")) {
    throw new RuleParseError(source, end, ["an operator"], `'${source[end]}'`, `malformed number '${source.slice(start, end + 1)}'`);
  }
  return { value: Number(text), end };
}

/** Splits `source` (from `from` to `to`) into tokens; the last token is always `eof`. */
export function tokenize(source: string, from = 0, to = source.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = source[i] ?? "";
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < to && isWordPart(source[j] ?? "")) j++;
      tokens.push({ kind: "word", text: source.slice(i, j), pos: i, end: j });
      i = j;
      continue;
    }
    if (isDigit(c)) {
      const { value, end } = readNumber(source, i);
      tokens.push({ kind: "number", text: source.slice(i, end), value, pos: i, end });
      i = end;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      const { text, end } = readQuoted(source, i, c);
      if (end > to) throw new RuleParseError(source, i, [`closing ${c}`], "end of input", "unterminated string starting here");
      tokens.push({ kind: c === "`" ? "quoted" : "string", text, pos: i, end });
      i = end;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (i + 1 < to && TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: "op", text: two, pos: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: "op", text: c, pos: i, end: i + 1 });
      i++;
      continue;
    }
    throw new RuleParseError(source, i, [], `'${c}'`, `unexpected character '${c}'`);
  }
  tokens.push({ kind: "eof", text: "", pos: to, end: to });
  return tokens;
}

/** How an error message names a token. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of input";
    case "string":
      return `string '${token.text}'`;
    case "quoted":
      return `\`${token.text}\``;
    case "number":
      return `number ${token.text}`;
    case "word":
      return isKeyword(token.text) ? token.text.toUpperCase() : `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}

export const KEYWORDS = ["SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "TRUE", "FALSE", "NULL"] as const;

export function isKeyword(word: string): boolean {
  return (KEYWORDS as readonly string[]).includes(word.toUpperCase());
}
