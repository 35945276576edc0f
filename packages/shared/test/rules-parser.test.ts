import { describe, expect, it } from "vitest";
import { parseRule, RuleParseError } from "../src/rules/index";

function parseError(sql: string): RuleParseError {
  try {
    parseRule(sql);
  } catch (err) {
    if (err instanceof RuleParseError) return err;
    throw err;
  }
  throw new Error(`expected a parse error for: ${sql}`);
}

describe("rule parser: accepted rules", () => {
  it("parses the docs/design.md example into an AST", () => {
    const ast = parseRule("SELECT counts.person AS people, topic(3) AS device FROM 'edgelens/devices/+/infer' WHERE counts.person > 2");
    expect(ast.from).toBe("edgelens/devices/+/infer");
    expect(ast.select.map((s) => (s.kind === "column" ? s.name : "*"))).toEqual(["people", "device"]);
    expect(ast.where).toMatchObject({ kind: "binary", op: ">", left: { kind: "member", name: "person", object: { kind: "field", name: "counts" } }, right: { kind: "literal", value: 2 } });
  });

  it("keywords are case-insensitive and identifiers keep their case", () => {
    const ast = parseRule("select Temp as T from 'a/b' where NOT Temp < 1 and x = 'y' Or z");
    expect(ast.select[0]).toMatchObject({ kind: "column", name: "T", expr: { kind: "field", name: "Temp" } });
    expect(ast.where).toMatchObject({ kind: "binary", op: "OR" });
  });

  it("names unaliased columns after the last path field, the function, else their position", () => {
    const ast = parseRule("SELECT a.b.c, d[0], e['hot dog'], timestamp(), 1 + 2, * FROM '#'");
    expect(ast.select.map((s) => (s.kind === "column" ? s.name : "*"))).toEqual(["c", "d", "hot dog", "timestamp", "_5", "*"]);
  });

  it("binds arithmetic tighter than comparison, comparison tighter than NOT, AND tighter than OR", () => {
    const ast = parseRule("SELECT * FROM 't' WHERE a OR b AND NOT c + 1 * 2 > 3");
    expect(ast.where).toMatchObject({
      op: "OR",
      left: { kind: "field", name: "a" },
      right: { op: "AND", right: { kind: "unary", op: "NOT", operand: { op: ">", left: { op: "+", right: { op: "*" } } } } },
    });
  });

  it("accepts quoted identifiers, escaped strings, keywords as path fields and nested calls", () => {
    const ast = parseRule("SELECT `hot dog` AS hd, 'it''s' AS s, state.from AS f, round(avg(detections, 'score'), 2) AS r FROM 'x/+/#'");
    expect(ast.select).toHaveLength(4);
    expect(ast.select[1]).toMatchObject({ expr: { kind: "literal", value: "it's" } });
    expect(ast.select[2]).toMatchObject({ expr: { kind: "member", name: "from" } });
  });

  it("treats != as <>", () => {
    expect(parseRule("SELECT * FROM 'x' WHERE a != 1").where).toMatchObject({ op: "<>" });
  });
});

describe("rule parser: malformed rules report position and expectation", () => {
  const cases: { sql: string; column: number; message: RegExp }[] = [
    { sql: "", column: 1, message: /expected SELECT but found end of input/ },
    { sql: "SELEC * FROM 'x'", column: 1, message: /expected SELECT but found 'SELEC'/ },
    { sql: "SELECT", column: 7, message: /expected '\*' or an expression/ },
    { sql: "SELECT FROM 'x'", column: 8, message: /expected '\*' or an expression but found FROM/ },
    { sql: "SELECT * 'x'", column: 10, message: /expected ',', AS or FROM but found string 'x'/ },
    { sql: "SELECT * FROM", column: 14, message: /expected a quoted topic filter/ },
    { sql: "SELECT * FROM edgelens/x", column: 15, message: /expected a quoted topic filter .* but found 'edgelens'/ },
    { sql: "SELECT * FROM ''", column: 15, message: /invalid topic filter '': the topic filter is empty/ },
    { sql: "SELECT * FROM 'a/#/b'", column: 15, message: /'#' must be a whole level and the last one/ },
    { sql: "SELECT * FROM 'a/b+'", column: 15, message: /'\+' must be a whole level/ },
    { sql: "SELECT * FROM 'x' WHERE", column: 24, message: /expected an expression but found end of input/ },
    { sql: "SELECT * FROM 'x' WHERE a >", column: 28, message: /expected an expression/ },
    { sql: "SELECT * FROM 'x' WHERE a < b < c", column: 31, message: /comparisons do not chain/ },
    { sql: "SELECT * FROM 'x' WHERE (a = 1", column: 31, message: /expected '\)' but found end of input/ },
    { sql: "SELECT * FROM 'x' WHERE a = 1)", column: 30, message: /expected an operator or end of input but found '\)'/ },
    { sql: "SELECT * FROM 'x' trailing", column: 19, message: /expected WHERE or end of input but found 'trailing'/ },
    { sql: "SELECT a AS FROM 'x'", column: 13, message: /expected a column name but found FROM/ },
    { sql: "SELECT a., b FROM 'x'", column: 10, message: /expected a field name but found ','/ },
    { sql: "SELECT a[1 FROM 'x'", column: 12, message: /expected '\]' but found FROM/ },
    { sql: "SELECT a, FROM 'x'", column: 11, message: /expected '\*' or an expression but found FROM/ },
    { sql: "SELECT 'open FROM 'x'", column: 21, message: /unterminated string/ },
    { sql: "SELECT `open FROM 'x'", column: 8, message: /unterminated quoted identifier/ },
    { sql: "SELECT 3x FROM 'x'", column: 9, message: /malformed number '3x'/ },
    { sql: "SELECT a ; FROM 'x'", column: 10, message: /unexpected character ';'/ },
    { sql: "SELECT nope(1) FROM 'x'", column: 8, message: /unknown function 'nope'/ },
    { sql: "SELECT topic(1, 2) FROM 'x'", column: 8, message: /topic\(\) takes 0 to 1 argument\(s\), got 2/ },
    { sql: "SELECT clientid(1) FROM 'x'", column: 8, message: /clientid\(\) takes 0 argument\(s\), got 1/ },
    { sql: "SELECT count() FROM 'x'", column: 8, message: /count\(\) takes 1 to 3 argument\(s\), got 0/ },
    { sql: "SELECT max(d, score) FROM 'x'", column: 15, message: /argument 2 of max\(\) must be a quoted path/ },
    { sql: "SELECT max(d, 'a..b') FROM 'x'", column: 18, message: /in path 'a\.\.b': expected a field name but found '\.'/ },
    { sql: "SELECT max(d 'x') FROM 'x'", column: 14, message: /expected ',' or '\)'/ },
    { sql: "SELECT * FROM 'x' WHERE SELECT", column: 25, message: /expected an expression but found SELECT/ },
    { sql: "SELECT * FROM 'x' WHERE a = = 1", column: 29, message: /expected an expression but found '='/ },
    { sql: "SELECT * FROM 'x' WHERE NOT", column: 28, message: /expected an expression but found end of input/ },
  ];

  it.each(cases)("$sql", ({ sql, column, message }) => {
    const err = parseError(sql);
    expect(err.code).toBe("RULE_PARSE_ERROR");
    expect(err.message).toMatch(message);
    expect(err.column).toBe(column);
    expect(err.position).toBe(column - 1);
    expect(err.line).toBe(1);
  });

  it("reports the line and column on multi-line rules", () => {
    const err = parseError("SELECT a\nFROM 'x'\nWHERE a >");
    expect([err.line, err.column]).toEqual([3, 10]);
    expect(err.expected).toEqual(["an expression"]);
    expect(err.found).toBe("end of input");
  });

  it("serialises with its code and location for HTTP bodies", () => {
    const json = parseError("SELECT * FROM").toJSON();
    expect(json).toMatchObject({ code: "RULE_PARSE_ERROR", context: { line: 1, column: 14, position: 13 } });
  });
});

describe("rule parser: IN lists (device group queries)", () => {
  it("reads `x IN (a, b)` as equality with either, and NOT IN as its negation", () => {
    const ast = parseRule("SELECT * FROM 't' WHERE site = 'berlin' AND floor IN ('1', '2')");
    expect(ast.where).toMatchObject({ op: "AND", right: { op: "OR", left: { op: "=", left: { kind: "field", name: "floor" }, right: { value: "1" } }, right: { op: "=", right: { value: "2" } } } });
    const not = parseRule("SELECT * FROM 't' WHERE floor NOT IN ('1')");
    expect(not.where).toMatchObject({ kind: "unary", op: "NOT", operand: { op: "=", right: { value: "1" } } });
  });

  it("points at the spot where an IN list breaks", () => {
    const err = parseError("SELECT * FROM 't' WHERE floor IN ('1' '2')");
    expect(err.column).toBe(39);
    expect(err.message).toMatch(/expected ',' or '\)'/);
    expect(parseError("SELECT * FROM 't' WHERE floor IN '1'").message).toMatch(/expected '\(' and a list/);
  });
});
