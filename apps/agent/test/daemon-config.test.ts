import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDaemonConfig } from "../src/daemon/daemon-config";
import { startNodeEntry } from "@edgelens/tooling/processes";
import { REPO_ROOT } from "./support/repo-root";
import { makeTempDir } from "./support/temp-dir";

const CLI = join(REPO_ROOT, "apps/agent/src/cli.ts");

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | string; out: string }> {
  const proc = startNodeEntry("agent", CLI, ["run", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, echo: false });
  const status = await proc.exitStatus;
  return { code: status.code ?? status.signal ?? -1, out: proc.output() };
}

describe("run: configuration", () => {
  let dir: ReturnType<typeof makeTempDir>;
  let deviceFile: string;

  beforeAll(() => {
    dir = makeTempDir("config");
    deviceFile = join(dir.path, "edgelens-device.json");
    writeFileSync(deviceFile, JSON.stringify({ deviceId: "cam-cfg-1", secret: "cfg-secret-0123456789", brokerUrl: "mqtt://127.0.0.1:1", consoleUrl: "http://127.0.0.1:1" }));
  });
  afterAll(() => dir?.remove());

  it("applies defaults and lets later layers win", () => {
    const c = parseDaemonConfig({ deviceFile: "d", dataDir: "a", stream: { port: 1 } }, { stream: { host: "0.0.0.0" } }, { dataDir: "b", stream: { port: undefined } });
    expect(c).toMatchObject({ dataDir: "b", stream: { host: "0.0.0.0", port: 1, previewFps: 5 }, spool: { maxMessages: 100_000 }, mqtt: { backoffMaxMs: 30_000 } });
    expect(() => parseDaemonConfig({ deviceFile: "d", dataDir: "a", mqtt: { backoffMinMs: 5000, backoffMaxMs: 1000 } })).toThrow(/backoffMaxMs/);
  });

  it("exits 2 naming the bad field of a config file, an unknown key, or the device file", async () => {
    const bad = join(dir.path, "bad.json");
    writeFileSync(bad, JSON.stringify({ spool: { maxMessages: -1 } }));
    const r1 = await run(["--device-file", deviceFile, "--data-dir", join(dir.path, "d1"), "--config", bad]);
    expect(r1.code).toBe(2);
    expect(r1.out).toMatch(/INVALID_CONFIG.*spool\.maxMessages/);

    writeFileSync(bad, JSON.stringify({ strem: { port: 1 } }));
    const r2 = await run(["--device-file", deviceFile, "--data-dir", join(dir.path, "d2"), "--config", bad]);
    expect(r2.code).toBe(2);
    expect(r2.out).toMatch(/Unrecognized key.*strem/);

    const badDevice = join(dir.path, "bad-device.json");
    writeFileSync(badDevice, JSON.stringify({ deviceId: "Cam 1", secret: "short", brokerUrl: "mqtt://x", consoleUrl: "http://x" }));
    const r3 = await run(["--device-file", badDevice, "--data-dir", join(dir.path, "d3")]);
    expect(r3.code).toBe(2);
    expect(r3.out).toMatch(/invalid device file.*deviceId/);
    expect(r3.out).not.toContain("short");

    const r4 = await run(["--data-dir", join(dir.path, "d4")], { EDGELENS_AGENT_STREAM_PORT: "port" });
    expect(r4.code).toBe(2);
    expect(r4.out).toMatch(/EDGELENS_AGENT_STREAM_PORT/);
  });

  it("refuses a second daemon on the same data dir", async () => {
    const { lockDataDir } = await import("../src/daemon/data-dir-lock");
    const release = lockDataDir(join(dir.path, "locked"));
    try {
      const r = await run(["--device-file", deviceFile, "--data-dir", join(dir.path, "locked"), "--no-stream"]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/CONFLICT.*another agent/);
    } finally {
      release();
    }
  });
});
