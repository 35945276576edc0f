import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesiredStateSchema, DeviceFileSchema, topics, verifyConsoleToken, type DesiredState, type DeviceFile } from "@edgelens/shared";
import { startBroker, type BrokerProcess } from "./support/broker";
import { runCli } from "./support/cli";
import { connectAsDevice, reportProgress } from "./support/fake-device";
import { TEST_SECRET } from "./support/temp-context";

/**
 * deploy --wait against the real broker. The device side is an MQTT client with the device
 * file's credentials answering each desired state the way an agent reports progress.
 */
describe("edgelens deploy / sub / mqtt-token / device remove with the broker", () => {
  let dir: string;
  let broker: BrokerProcess;
  let env: Record<string, string>;
  let file: DeviceFile;
  let device: MqttClient;
  let answer: "run" | "fail" | "silent" = "run";
  /** Every desired state the device received, in order. */
  const desiredSeen: DesiredState[] = [];
  const cli = (...args: string[]) => runCli(args, env, 90_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-deploy-"));
    broker = await startBroker(dir, TEST_SECRET);
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl };
    const reg = await cli("device", "register", "cam-cli");
    expect(reg.code, reg.stderr).toBe(0);
    file = DeviceFileSchema.parse(JSON.parse(reg.stdout));
    const created = await cli("project", "create", "--template", "face-detection", "--name", "faces", "--source", "/media/person.jpg");
    expect(created.code, created.stderr).toBe(0);
    const second = await cli("project", "create", "--template", "face-detection", "--name", "faces-b", "--source", "/media/person.jpg");
    expect(second.code, second.stderr).toBe(0);
    device = await connectAsDevice(broker.mqttUrl, file);
    device.on("message", (topic, payload) => {
      if (topic !== topics.shadowDesired("cam-cli") || payload.length === 0) return;
      const desired = DesiredStateSchema.parse(JSON.parse(payload.toString("utf8")));
      desiredSeen.push(desired);
      const id = desired.deploymentId;
      // A list whose own id is none of its projects' is a removal (undeploy, deploy none).
      const removal = desired.version === 2 && !desired.projects.some((p) => p.deploymentId === id);
      if (answer === "run" && removal) void reportProgress(device, "cam-cli", { deploymentId: id, state: "removed" });
      else if (answer === "run") void reportProgress(device, "cam-cli", { deploymentId: id, state: "downloading", pct: 100 }).then(() => reportProgress(device, "cam-cli", { deploymentId: id, state: "running" }));
      if (answer === "fail") void reportProgress(device, "cam-cli", { deploymentId: id, state: "failed", reason: "model faces: checksum mismatch", code: "CHECKSUM_MISMATCH" });
    });
    await device.subscribeAsync(topics.shadowDesired("cam-cli"), { qos: 1 });
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deploy --wait exits 0 once the device runs it", async () => {
    answer = "run";
    const r = await cli("deploy", "faces", "--device", "cam-cli", "--wait", "--timeout", "60");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/device cam-cli: running .*faces v1/);
    const list = await cli("device", "list", "--json");
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: "cam-cli", registration: "registered", presence: "online", deployment: { state: "running", projectId: "faces" } });
  });

  it("deploy --wait exits 1 with the device's reason when it fails", async () => {
    answer = "fail";
    const r = await cli("deploy", "faces", "--device", "cam-cli", "--wait", "--timeout", "60");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deployment failed on cam-cli: model faces: checksum mismatch/);
  });

  it("deploy --wait exits 1 on timeout, naming the state it is stuck in", async () => {
    answer = "silent";
    const r = await cli("deploy", "faces", "--device", "cam-cli", "--wait", "--timeout", "2");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out after 2s waiting for cam-cli \(still queued\)/);
  });

  it("leaves the desired state retained for a device that is not listening; sub shows it", async () => {
    answer = "silent";
    const d = await cli("deploy", "faces", "--device", "cam-cli", "--json");
    expect(d.code, d.stderr).toBe(0);
    const [dep] = JSON.parse(d.stdout) as { id: string; state: string }[];
    expect(dep?.state).toBe("queued");
    const s = await cli("sub", topics.shadowDesired("cam-cli"), "--count", "1", "--timeout", "30");
    expect(s.code, s.stderr).toBe(0);
    const line = JSON.parse(s.stdout.trim()) as { topic: string; payload: unknown; retained: boolean };
    expect(line).toMatchObject({ topic: topics.shadowDesired("cam-cli"), retained: true });
    expect(DesiredStateSchema.parse(line.payload).deploymentId).toBe(dep!.id);
  });

  it("sub --count with nothing arriving exits 1 after --timeout", async () => {
    const s = await cli("sub", topics.infer("nobody-here"), "--count", "1", "--timeout", "1");
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/timed out after 1s with 0 of 1 messages/);
  });

  it("undeploy removes one project and leaves the other; one not deployed there is a clear error", async () => {
    answer = "run";
    const added = await cli("deploy", "faces-b", "--device", "cam-cli", "--wait", "--timeout", "60");
    expect(added.code, added.stderr).toBe(0);
    const u = await cli("undeploy", "faces", "--device", "cam-cli", "--wait", "--timeout", "60");
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/device cam-cli: removed — undeploy faces, deployment dpl_/);
    const s = await cli("sub", topics.shadowDesired("cam-cli"), "--count", "1", "--timeout", "30");
    const desired = DesiredStateSchema.parse((JSON.parse(s.stdout.trim()) as { payload: unknown }).payload);
    expect(desired.version === 2 && desired.projects.map((p) => p.project.name)).toEqual(["faces-b"]);
    const again = await cli("undeploy", "faces", "--device", "cam-cli");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/NOT_FOUND: project faces \(.+\) is not deployed to cam-cli/);
  }, 180_000);

  it("mqtt-token --json prints admin credentials the broker accepts", async () => {
    const r = await cli("mqtt-token", "--ttl", "60", "--json");
    expect(r.code, r.stderr).toBe(0);
    const creds = JSON.parse(r.stdout) as { username: string; password: string };
    expect(Object.keys(creds).sort()).toEqual(["password", "username"]);
    const check = await verifyConsoleToken(creds.password, TEST_SECRET);
    expect(check.ok && check.claims.role).toBe("admin");
    const admin = await mqtt.connectAsync(broker.mqttUrl, { ...creds, clientId: "_cli_test", reconnectPeriod: 0 });
    await admin.endAsync();
  });

  it("device camera add / list / remove: stored, sent to the device in its desired state, bad input refused", async () => {
    answer = "silent";
    const camerasSent = () => {
      const last = desiredSeen.at(-1);
      return last?.version === 2 ? (last.cameras ?? null) : null;
    };
    const added = await cli("device", "camera", "add", "cam-cli", "door", "rtsp://viewer:hunter2@127.0.0.1:8554/door");
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/camera door added to cam-cli .*camera:\/\/door/);
    // The device gets the URI with its password; every list shows it hidden.
    await expect.poll(camerasSent, { timeout: 10_000 }).toEqual([{ name: "door", uri: "rtsp://viewer:hunter2@127.0.0.1:8554/door" }]);
    const listed = await cli("device", "camera", "list", "cam-cli", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: "door", uri: "rtsp://viewer:***@127.0.0.1:8554/door" }]);
    const bad = await cli("device", "camera", "add", "cam-cli", "Bad Name", "ftp://x/y");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_PAYLOAD: invalid camera: name: camera name must be .*; uri: camera URI scheme must be one of/);
    const twice = await cli("device", "camera", "add", "cam-cli", "door", "/dev/video0");
    expect(twice.stderr).toMatch(/CONFLICT: device cam-cli already has a camera door/);
    const removed = await cli("device", "camera", "remove", "cam-cli", "door");
    expect(removed.code, removed.stderr).toBe(0);
    await expect.poll(camerasSent, { timeout: 10_000 }).toEqual([]);
    const gone = await cli("device", "camera", "remove", "cam-cli", "door");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/NOT_FOUND: device cam-cli has no camera door/);
  });

  it("device remove: the broker drops the device and its credentials stop working", async () => {
    const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
    const r = await cli("device", "remove", "cam-cli");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/device cam-cli removed/);
    expect(r.stderr).not.toMatch(/warning/);
    await closed;
    await expect(connectAsDevice(broker.mqttUrl, file)).rejects.toThrow();
    const again = await cli("device", "remove", "cam-cli");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/NOT_FOUND: no device cam-cli/);
  });
});
