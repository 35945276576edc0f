import { describe, expect, it } from "vitest";
import { compileTemplate, RuleEvalError, RuleParseError, testRule } from "../src/rules/index";

const scope = { topic: "edgelens/devices/cam-1/infer", clientId: "cam-1", timestamp: 5 };

describe("rule templates", () => {
  it("substitutes selected fields and expressions", () => {
    const t = compileTemplate("alerts/${device}/${people * 2}/${upper(kind)}/${topic(3)}");
    expect(t.placeholders).toEqual(["device", "people * 2", "upper(kind)", "topic(3)"]);
    expect(t.render({ device: "cam-1", people: 3, kind: "x" }, scope)).toBe("alerts/cam-1/6/X/cam-1");
  });

  it("keeps a lone $ and text without placeholders", () => {
    expect(compileTemplate("cost $5 {ok}").render({}, scope)).toBe("cost $5 {ok}");
  });

  it("allows braces inside quoted strings of a placeholder", () => {
    expect(compileTemplate("a/${concat(x, '}')}").render({ x: "v" }, scope)).toBe("a/v}");
  });

  it("refuses undefined, null and structured values", () => {
    const t = compileTemplate("alerts/${device}");
    expect(() => t.render({}, scope)).toThrow(RuleEvalError);
    expect(() => t.render({ device: null }, scope)).toThrow(/is null/);
    expect(() => t.render({ device: { a: 1 } }, scope)).toThrow(/not a string, number or boolean/);
  });

  it("in topics, refuses values that would add levels or wildcards", () => {
    const t = compileTemplate("alerts/${device}");
    for (const bad of ["a/b", "+", "#", ""]) {
      expect(() => t.render({ device: bad }, scope, { topicSafe: true })).toThrow(/may not be empty or contain/);
    }
    expect(t.render({ device: "a/b" }, scope)).toBe("alerts/a/b");
  });

  it("reports malformed placeholders with their position in the template", () => {
    const cases: [string, number, RegExp][] = [
      ["alerts/${device", 7, /unterminated placeholder/],
      ["alerts/${}", 7, /empty placeholder/],
      ["alerts/${a +}", 12, /in placeholder 'a \+': expected an expression but found end of input/],
      ["x/${nope(1)}", 4, /unknown function 'nope'/],
    ];
    for (const [template, position, message] of cases) {
      let err: unknown;
      try {
        compileTemplate(template);
      } catch (e) {
        err = e;
      }
      expect(err, template).toBeInstanceOf(RuleParseError);
      expect((err as RuleParseError).position, template).toBe(position);
      expect((err as RuleParseError).message, template).toMatch(message);
    }
  });
});

describe("testRule (the console's test box)", () => {
  const sql = "SELECT counts.person AS people, topic(3) AS device FROM 'edgelens/devices/+/infer' WHERE counts.person > 2";

  it("evaluates a sample and renders republish topics", () => {
    const res = testRule(sql, { topic: scope.topic, payload: '{"counts":{"person":4}}' }, ["alerts/${device}", "x/${nope}"]);
    expect(res).toMatchObject({ ok: true, topicMatches: true, matched: true, output: { people: 4, device: "cam-1" } });
    if (!res.ok) throw new Error("unreachable");
    expect(res.templates[0]).toEqual({ template: "alerts/${device}", topic: "alerts/cam-1" });
    expect(res.templates[1]?.error?.code).toBe("RULE_EVAL_ERROR");
  });

  it("says when the topic does not match FROM but still shows the SELECT", () => {
    const res = testRule(sql, { topic: "other/topic", payload: { counts: { person: 9 } } });
    expect(res).toMatchObject({ ok: true, topicMatches: false, matched: true });
    expect(res.ok && res.output).toEqual({ people: 9 });
  });

  it("returns parse errors and bad sample JSON as data", () => {
    expect(testRule("SELECT * FROM", { topic: "t", payload: {} })).toMatchObject({ ok: false, error: { code: "RULE_PARSE_ERROR", line: 1, column: 14 } });
    expect(testRule(sql, { topic: "t", payload: "{nope" })).toMatchObject({ ok: false, error: { code: "INVALID_PAYLOAD" } });
  });
});
