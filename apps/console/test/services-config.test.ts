import { describe, expect, it } from "vitest";
import { loadConsoleConfig } from "../src/env";

describe("console configuration", () => {
  it("applies docs/design.md defaults and derives URLs", () => {
    const c = loadConsoleConfig({ EDGELENS_DATA_DIR: "/tmp/x" }, "/");
    expect(c).toMatchObject({ dataDir: "/tmp/x", host: "127.0.0.1", port: 3000, consoleUrl: "http://127.0.0.1:3000", brokerUrl: "mqtt://127.0.0.1:1883", wsPort: 8083, wsUrl: null });
    const d = loadConsoleConfig({ EDGELENS_HOST: "0.0.0.0", EDGELENS_CONSOLE_PORT: "4000", EDGELENS_MQTT_PORT: "2883" }, "/");
    expect(d.consoleUrl).toBe("http://127.0.0.1:4000");
    expect(d.brokerUrl).toBe("mqtt://127.0.0.1:2883");
  });

  it("resolves the default data dir at the workspace root whatever the cwd", () => {
    const c = loadConsoleConfig({}, new URL("..", import.meta.url).pathname);
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.dataDir).not.toContain("apps/console");
  });

  it("names the bad field", () => {
    expect(() => loadConsoleConfig({ EDGELENS_CONSOLE_PORT: "http" })).toThrow(/EDGELENS_CONSOLE_PORT/);
    expect(() => loadConsoleConfig({ EDGELENS_BROKER_URL: "localhost:1883" })).toThrow(/EDGELENS_BROKER_URL/);
    expect(() => loadConsoleConfig({ EDGELENS_DATADIR: "/tmp" })).toThrow(/EDGELENS_DATADIR: unknown variable/);
    expect(() => loadConsoleConfig({ EDGELENS_WEBHOOK_ALLOW: "hooks.lan,10.0.0.0/99" })).toThrow(/EDGELENS_WEBHOOK_ALLOW: 10.0.0.0\/99/);
    expect(() => loadConsoleConfig({ EDGELENS_ADMIN_PASSWORD: "12345678" })).toThrow(/EDGELENS_ADMIN_PASSWORD/);
  });

  it("ignores the other parts' variables", () => {
    expect(() => loadConsoleConfig({ EDGELENS_DEMO: "1", EDGELENS_MQTT_TLS_PORT: "8883", EDGELENS_BROKER_HTTP_PORT: "9090" })).not.toThrow();
  });
});
