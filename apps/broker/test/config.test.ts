import { describe, expect, it } from "vitest";
import { EdgelensError } from "@edgelens/shared/errors";
import { parseBrokerConfig } from "../src/config";

describe("broker config", () => {
  it("has the docs/design.md defaults", () => {
    expect(parseBrokerConfig({})).toMatchObject({
      dataDir: "./data",
      host: "127.0.0.1",
      mqttPort: 1883,
      wsPort: 8083,
      httpPort: 9883,
      httpHost: "127.0.0.1",
      tls: null,
      limits: { maxPayloadBytes: 1048576, maxTopicLevels: 16, maxInflight: 100, authFailuresPerMinute: 20, backpressure: { highWaterBytes: 1048576, lowWaterBytes: 262144 } },
    });
    expect(parseBrokerConfig({}).secret).toBeUndefined();
  });

  it("reads every key, TLS only with both files", () => {
    const c = parseBrokerConfig({
      EDGELENS_DATA_DIR: "/d",
      EDGELENS_HOST: "0.0.0.0",
      EDGELENS_MQTT_PORT: "0",
      EDGELENS_MQTT_TLS_PORT: "8884",
      EDGELENS_TLS_CERT: "/c.pem",
      EDGELENS_TLS_KEY: "/k.pem",
      EDGELENS_WS_PORT: "9001",
      EDGELENS_SECRET: "0123456789abcdef",
      EDGELENS_BROKER_HTTP_PORT: "0",
      EDGELENS_BROKER_MAX_PAYLOAD_BYTES: "2048",
      EDGELENS_BROKER_POLL_MS: "250",
      EDGELENS_CONSOLE_PORT: "3000",
      EDGELENS_DEMO: "1",
    });
    // Listening for devices everywhere does not expose /metrics.
    expect(c).toMatchObject({ dataDir: "/d", host: "0.0.0.0", mqttPort: 0, wsPort: 9001, httpPort: 0, httpHost: "127.0.0.1", secret: "0123456789abcdef", pollMs: 250 });
    expect(parseBrokerConfig({ EDGELENS_BROKER_HTTP_HOST: "10.0.0.5" }).httpHost).toBe("10.0.0.5");
    expect(c.tls).toEqual({ port: 8884, certFile: "/c.pem", keyFile: "/k.pem" });
    expect(c.limits.maxPayloadBytes).toBe(2048);
  });

  it.each([
    [{ EDGELENS_MQTT_PORT: "70000" }, "EDGELENS_MQTT_PORT"],
    [{ EDGELENS_WS_PORT: "-1" }, "EDGELENS_WS_PORT"],
    [{ EDGELENS_SECRET: "short" }, "EDGELENS_SECRET"],
    [{ EDGELENS_BROKER_MAX_TOPIC_LEVELS: "101" }, "EDGELENS_BROKER_MAX_TOPIC_LEVELS"],
    [{ EDGELENS_BROKER_TYPO: "1" }, "EDGELENS_BROKER_TYPO"],
    [{ EDGELENS_TLS_KEY: "/k.pem" }, "EDGELENS_TLS_CERT"],
    [{ EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES: "1000", EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES: "1000" }, "EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES"],
  ])("refuses %o naming the field", (env, field) => {
    let err: unknown;
    try {
      parseBrokerConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EdgelensError);
    expect((err as EdgelensError).code).toBe("INVALID_CONFIG");
    expect((err as Error).message).toContain(field);
  });
});
