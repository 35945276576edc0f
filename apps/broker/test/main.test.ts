import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { dataPaths, openDatabase } from "@edgelens/db";
import { childEnv, startNodeEntry, type ManagedProcess } from "@edgelens/tooling/processes";

const brokerRoot = join(import.meta.dirname, "..");
/** The broker as its unit runs it: one node process (no tsx wrapper), only the given environment. */
const startMain = (env: Record<string, string>) => startNodeEntry("broker", "src/main.ts", [], { cwd: brokerRoot, env: childEnv(env), echo: false });

describe("main.ts as a process", () => {
  const dirs: string[] = [];
  const children: ManagedProcess[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), "edgelens-main-"));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop(1000)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("migrates, prints one listening line with the ephemeral ports, and exits 0 on SIGTERM", async () => {
    const dir = tempDir();
    const child = startMain({ EDGELENS_DATA_DIR: dir, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0" });
    children.push(child);
    const line = JSON.parse(await child.waitForLine(() => true, 60_000, "the first line")) as { event: string; mqtt: number; ws: number; http: number; tls: number | null };
    expect(line).toMatchObject({ event: "listening", tls: null });
    for (const port of [line.mqtt, line.ws, line.http]) expect(port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${line.http}/healthz`)).status).toBe(200);
    // Unknown credentials over WebSocket too: the listener is there and refuses.
    await expect(mqtt.connectAsync(`ws://127.0.0.1:${line.ws}`, { username: "nobody", password: "x", reconnectPeriod: 0 })).rejects.toThrow();

    const db = openDatabase(dataPaths(dir).dbFile, { readonly: true });
    expect(db.sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'devices'").get()).toBeTruthy();
    db.close();

    expect(await child.stop(10_000)).toEqual({ code: 0, signal: null });
    expect(child.stdout().trim().split("\n")).toHaveLength(1);
    expect(child.stderr()).toMatch(/"broker stopped"/);
  });

  // config.test.ts covers every field; these two check the process's exit path.
  it.each([
    [{ EDGELENS_MQTT_PORT: "not-a-port" }, /EDGELENS_MQTT_PORT/],
    [{ EDGELENS_BROKER_MAX_PAYLOD_BYTES: "10" }, /EDGELENS_BROKER_MAX_PAYLOD_BYTES/],
  ])("a bad config %o exits non-zero naming the field", async (env, field) => {
    const child = startMain({ EDGELENS_DATA_DIR: tempDir(), ...env });
    children.push(child);
    const { code } = await child.exitStatus;
    expect(code).toBe(2);
    expect(child.stderr()).toMatch(field);
    expect(child.stdout()).toBe("");
  });
});
