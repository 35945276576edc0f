import { describe, expect, it } from "vitest";
import { compileRule } from "../src/rules/index";

const inferTopic = "edgelens/devices/cam-1/infer";
const result = {
  deviceId: "cam-1",
  counts: { person: 3, "hot dog": 1 },
  detections: [
    { label: "person", score: 0.91, box: [0, 0, 10, 20] },
    { label: "person", score: 0.55, box: [5, 5, 30, 50] },
    { label: "dog", score: 0.72, box: [1, 1, 2, 2] },
  ],
  frame: { width: 640, height: 480 },
  tags: ["a", "b"],
};

function run(sql: string, payload: unknown = result, topic = inferTopic, clientId: string | null = "cam-1") {
  return compileRule(sql).evaluate({ payload, topic, clientId, timestamp: 1_700_000_000_000 });
}

describe("rule evaluation", () => {
  it("runs the docs/design.md example: people and device when more than two people", () => {
    const sql = "SELECT counts.person AS people, topic(3) AS device FROM 'edgelens/devices/+/infer' WHERE counts.person > 2";
    expect(run(sql)).toEqual({ matched: true, output: { people: 3, device: "cam-1" } });
    expect(run(sql, { counts: { person: 2 } })).toEqual({ matched: false, output: {} });
    expect(run(sql, { counts: {} }).matched).toBe(false);
    expect(compileRule(sql).matchesTopic(inferTopic)).toBe(true);
    expect(compileRule(sql).matchesTopic("edgelens/devices/cam-1/status")).toBe(false);
  });

  it("SELECT * copies the payload and combines with computed columns", () => {
    const out = run("SELECT *, clientid() AS cid, timestamp() AS ts FROM '#'").output;
    expect(out).toMatchObject({ deviceId: "cam-1", cid: "cam-1", ts: 1_700_000_000_000 });
    expect(out.detections).toHaveLength(3);
    expect(run("SELECT * FROM '#'", [1, 2]).output).toEqual({ value: [1, 2] });
  });

  it("follows dotted, indexed and quoted paths, and leaves out undefined columns", () => {
    const out = run("SELECT detections[0].label AS first, detections[2].box[3] AS y2, counts['hot dog'] AS hd, `tags`[1] AS t, nope.deeper AS missing FROM '#'").output;
    expect(out).toEqual({ first: "person", y2: 2, hd: 1, t: "b" });
  });

  it("never reaches prototypes through paths", () => {
    expect(run("SELECT constructor AS c, __proto__ AS p, tags.length AS l FROM '#'").output).toEqual({});
  });

  it("evaluates arithmetic, string concatenation and unary minus", () => {
    const out = run("SELECT frame.width * frame.height AS area, frame.width / 0 AS div0, -frame.width + 1 AS neg, 7 % 3 AS mod, 'a' + 'b' AS s, 'a' + 1 AS mixed FROM '#'").output;
    expect(out).toEqual({ area: 307200, neg: -639, mod: 1, s: "ab" });
  });

  it("compares numbers and strings, never across types", () => {
    expect(run("SELECT * FROM '#' WHERE deviceId = 'cam-1'").matched).toBe(true);
    expect(run("SELECT * FROM '#' WHERE deviceId <> 'cam-1'").matched).toBe(false);
    expect(run("SELECT * FROM '#' WHERE deviceId > 'cam-0' AND deviceId <= 'cam-1'").matched).toBe(true);
    expect(run("SELECT * FROM '#' WHERE frame.width > '100'").matched).toBe(false);
    expect(run("SELECT * FROM '#' WHERE frame = frame").matched).toBe(true);
    expect(run("SELECT * FROM '#' WHERE tags = tags AND tags <> detections").matched).toBe(true);
  });

  it("uses three-valued logic for AND, OR and NOT over undefined", () => {
    expect(run("SELECT * FROM '#' WHERE missing > 1 OR counts.person = 3").matched).toBe(true);
    expect(run("SELECT * FROM '#' WHERE missing > 1 AND counts.person = 3").matched).toBe(false);
    expect(run("SELECT * FROM '#' WHERE NOT (missing > 1)").matched).toBe(false);
    expect(run("SELECT * FROM '#' WHERE NOT (counts.person > 5)").matched).toBe(true);
    expect(run("SELECT * FROM '#' WHERE counts.person").matched).toBe(false);
    expect(run("SELECT * FROM '#' WHERE true").matched).toBe(true);
  });

  it("topic(n) is 1-based and topic() is the whole topic", () => {
    const out = run("SELECT topic() AS t, topic(1) AS a, topic(4) AS k, topic(9) AS none FROM '#'").output;
    expect(out).toEqual({ t: inferTopic, a: "edgelens", k: "infer" });
  });

  it("count, max, min, sum and avg look into arrays by path", () => {
    const out = run(
      "SELECT count(detections) AS n, count(detections, 'label', 'person') AS people, count(detections, 'nope') AS none, max(detections, 'score') AS best, min(detections, 'score') AS worst, sum(tags) AS s, round(avg(detections, 'box[2] - box[0]'), 2) AS meanWidth, max(frame, 'x') AS notArray FROM '#'",
    ).output;
    expect(out).toEqual({ n: 3, people: 2, none: 0, best: 0.91, worst: 0.55, meanWidth: 12 });
  });

  it("string and number helpers return undefined on wrong types", () => {
    const out = run(
      "SELECT upper(deviceId) AS u, lower(1) AS l, length(tags) AS lt, concat(deviceId, '-', 2) AS c, abs(-2) AS a, floor(1.7) AS f, ceil(1.2) AS ce, startswith(deviceId, 'cam') AS sw, coalesce(missing, null, 'x') AS co, isundefined(missing) AS iu, isnull(null) AS isn FROM '#'",
    ).output;
    expect(out).toEqual({ u: "CAM-1", lt: 2, c: "cam-1-2", a: 2, f: 1, ce: 2, sw: true, co: "x", iu: true, isn: true });
  });

  it("evaluates on the input, not on the SELECT aliases", () => {
    expect(run("SELECT counts.person AS people FROM '#' WHERE people > 1").matched).toBe(false);
  });

  it("never throws for any JSON payload", () => {
    const rule = compileRule("SELECT a.b[0].c AS x, max(a, 'b') AS m, a + 1 AS y FROM '#' WHERE a.b > 1 OR NOT a");
    for (const payload of [null, 1, "s", true, [], {}, { a: null }, { a: [1, "x", null] }, { a: { b: [{ c: 1 }] } }]) {
      expect(() => rule.evaluate({ payload, topic: "t" })).not.toThrow();
    }
  });
});

describe("rule evaluation: IN lists", () => {
  it("matches any listed value; a missing field matches neither IN nor NOT IN", () => {
    const where = (w: string, payload: unknown) => run(`SELECT * FROM 'edgelens/devices/+/infer' WHERE ${w}`, payload).matched;
    expect(where("floor IN ('1', '2')", { floor: "2" })).toBe(true);
    expect(where("floor IN ('1', '2')", { floor: "3" })).toBe(false);
    expect(where("floor NOT IN ('1', '2')", { floor: "3" })).toBe(true);
    expect(where("floor NOT IN ('1', '2')", {})).toBe(false);
  });
});
