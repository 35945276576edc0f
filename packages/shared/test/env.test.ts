import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EdgelensError } from "../src/errors";
import { createEnv } from "../src/env";

const read = createEnv({
  part: "demo",
  shared: ["EDGELENS_HOST", "EDGELENS_BROKER_HTTP_PORT", "EDGELENS_DATA_DIR"],
  own: { EDGELENS_DEMO_LEVEL: z.coerce.number().int().default(1) },
  ownPattern: /^EDGELENS_DEMO_/,
});

function errorOf(fn: () => unknown): EdgelensError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EdgelensError) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("createEnv", () => {
  it("gives each shared key its one default and the part's own keys theirs", () => {
    expect(read({})).toEqual({ EDGELENS_HOST: "127.0.0.1", EDGELENS_BROKER_HTTP_PORT: 9883, EDGELENS_DATA_DIR: "./data", EDGELENS_DEMO_LEVEL: 1 });
  });

  it("reads given values; an empty one counts as unset; keys of other parts are left alone", () => {
    expect(read({ EDGELENS_HOST: "0.0.0.0", EDGELENS_BROKER_HTTP_PORT: "19883", EDGELENS_DATA_DIR: "", EDGELENS_AGENT_X: "1", EDGELENS_MQTT_PORT: "x" })).toMatchObject({
      EDGELENS_HOST: "0.0.0.0",
      EDGELENS_BROKER_HTTP_PORT: 19883,
      EDGELENS_DATA_DIR: "./data",
    });
  });

  it("refuses a bad value with INVALID_CONFIG naming the field and the part", () => {
    const err = errorOf(() => read({ EDGELENS_BROKER_HTTP_PORT: "70000" }));
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.context.field).toBe("EDGELENS_BROKER_HTTP_PORT");
    expect(err.message).toMatch(/^invalid demo configuration: EDGELENS_BROKER_HTTP_PORT: /);
  });

  it("refuses an unknown key of the part's own prefix (a typo), not a shared key under it", () => {
    const err = errorOf(() => read({ EDGELENS_DEMO_LEVLE: "2" }));
    expect(err.context.field).toBe("EDGELENS_DEMO_LEVLE");
    expect(err.message).toContain("unknown variable");
    const broker = createEnv({ part: "broker", shared: [], own: {}, ownPattern: /^EDGELENS_BROKER_/ });
    expect(() => broker({ EDGELENS_BROKER_URL: "mqtt://h:1" })).not.toThrow();
  });
});
