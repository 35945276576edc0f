import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceFileSchema, InferenceResultSchema } from "@edgelens/shared";
import { startBroker, type BrokerProcess } from "./support/broker";
import { runCli } from "./support/cli";
import { startConsoleServer, type ConsoleServer } from "./support/console-server";
import { childEnv, startNodeEntry, type ManagedProcess } from "@edgelens/tooling/processes";
import { repoRoot } from "./support/paths";
import { TEST_SECRET } from "./support/temp-context";
import { topics } from "@edgelens/shared/topics";

const video = join(repoRoot, "../shared/media/vtest.avi");

/**
 * The whole path with real parts: the CLI deploys, the broker relays the retained desired state,
 * the agent downloads the artifacts from the console (next start) with its device credentials,
 * runs the project on a real video and reports `running`; its results arrive over MQTT.
 */
describe("edgelens deploy --wait with a real agent", () => {
  let dir: string;
  let broker: BrokerProcess;
  let server: ConsoleServer;
  let agent: ManagedProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(video)) throw new Error(`test media missing: ${video}`);
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-agent-"));
    broker = await startBroker(dir, TEST_SECRET);
    server = await startConsoleServer({ dataDir: dir, secret: TEST_SECRET, brokerUrl: broker.mqttUrl, wsPort: broker.wsPort, adminEmail: "admin@test.local", adminPassword: "admin-password-1", name: "cli-agent" });
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl, EDGELENS_CONSOLE_URL: server.url };
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers, deploys face detection, waits for running, and results flow", async () => {
    const reg = await runCli(["device", "register", "cam-agent"], env);
    expect(reg.code, reg.stderr).toBe(0);
    const deviceFile = join(dir, "edgelens-device.json");
    writeFileSync(deviceFile, JSON.stringify(DeviceFileSchema.parse(JSON.parse(reg.stdout))));
    const created = await runCli(["project", "create", "--template", "face-detection", "--name", "faces", "--source", video, "--config", '{"fps":2}'], env);
    expect(created.code, created.stderr).toBe(0);

    agent = startNodeEntry("agent", join(repoRoot, "apps/agent/src/cli.ts"), ["run", "--device-file", deviceFile, "--data-dir", join(dir, "agent"), "--no-stream", "--telemetry-interval", "2"], {
      cwd: repoRoot,
      env: childEnv({}),
      echo: false,
    });
    await agent.waitForLine((l) => l.includes('"event":"started"'), 60_000, "the started line");

    const deployed = await runCli(["deploy", "faces", "--device", "cam-agent", "--wait", "--timeout", "150"], env, 180_000);
    expect(deployed.code, `${deployed.stderr}\nagent:\n${agent.output().slice(-4000)}`).toBe(0);
    expect(deployed.stdout).toMatch(/device cam-agent: running .*faces v1/);

    const sub = await runCli(["sub", topics.infer("cam-agent"), "--count", "1", "--timeout", "60"], env, 90_000);
    expect(sub.code, sub.stderr).toBe(0);
    const result = InferenceResultSchema.parse((JSON.parse(sub.stdout.trim()) as { payload: unknown }).payload);
    expect(result).toMatchObject({ deviceId: "cam-agent", projectId: "faces", frame: { width: 768, height: 576 } });

    const list = await runCli(["device", "list", "--json"], env);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ presence: "online", registration: "registered", deployment: { state: "running", projectId: "faces" } });
  }, 420_000);
});
