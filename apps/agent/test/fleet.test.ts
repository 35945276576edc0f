import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { DeploymentProgress } from "@edgelens/shared/schemas";
import { filters, topics } from "@edgelens/shared/topics";
import { startAgentFleet, FLEET_TEST_CONFIG, type AgentFleet } from "@edgelens/tooling/agent-fleet";
import { startArtifactServer, type ArtifactServer } from "./support/artifact-server";
import { startBroker, type BrokerProcess } from "./support/broker-process";
import { startObserver, type MqttObserver } from "./support/mqtt-observer";
import { REPO_ROOT } from "./support/repo-root";
import { adminCredentials, seedDevice } from "./support/seed-device";
import { onlyProject, soakProject } from "./support/soak-project";
import { makeTempDir } from "./support/temp-dir";

const DEVICES = 3;

/**
 * The fleet harness (`edgelens-agent fleet` through @edgelens/tooling/agent-fleet): several real
 * daemons in one process against the real broker, each deployed a health-checked version that
 * passes its soak on every device.
 */
describe("a fleet of agent daemons in one process", () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let broker: BrokerProcess;
  let artifacts: ArtifactServer;
  let observer: MqttObserver;
  let fleet: AgentFleet;
  const ids = Array.from({ length: DEVICES }, (_, i) => `fleet-${i + 1}`);
  const progress = (id: string, dep: string) => observer.json<DeploymentProgress>(topics.deployment(id, dep));

  beforeAll(async () => {
    tmp = makeTempDir("fleet");
    const brokerDir = join(tmp.path, "broker");
    const creds = ids.map((deviceId) => ({ deviceId, secret: `${deviceId}-secret-0123456789` }));
    for (const c of creds) await seedDevice(brokerDir, c.deviceId, c.secret);
    broker = await startBroker(brokerDir);
    artifacts = await startArtifactServer(creds);
    observer = await startObserver(broker.url, await adminCredentials(brokerDir), ids.map((id) => filters.device(id)));
    fleet = await startAgentFleet({ repoRoot: REPO_ROOT, dir: join(tmp.path, "fleet"), devices: creds, brokerUrl: broker.url, consoleUrl: artifacts.url, config: FLEET_TEST_CONFIG });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await observer?.close();
    await artifacts?.close();
    await broker?.stop();
    tmp?.remove();
  });

  it("runs every device's daemon in one process: all online, each soaks its deployment and passes", async () => {
    await observer.until(
      () => ids.every((id) => observer.json<{ state: string }>(topics.status(id)).at(-1)?.state === "online"),
      () => `all ${DEVICES} devices online\n${fleet.proc.output().slice(-3000)}`,
    );
    // ffmpeg's test pattern, one long-lived ffmpeg a device: the photo folder spawns one per frame,
    // which several devices on a loaded 2-core box could not keep up with.
    const entry = await soakProject(artifacts, { deploymentId: "fleet-v1", version: 1, fps: 2, source: "testsrc://testsrc?size=320x240&rate=2", health: { soakSeconds: 5, minFpsRatio: 0.05 } });
    const started = Date.now();
    await Promise.all(ids.map((id) => observer.publish(topics.shadowDesired(id), JSON.stringify(onlyProject(entry)), { qos: 1, retain: true })));
    await observer.until(
      () => ids.every((id) => progress(id, "fleet-v1").some((p) => p.soak?.state === "passed")),
      () => `soak passed on every device: ${JSON.stringify(ids.map((id) => progress(id, "fleet-v1").filter((p) => p.state !== "downloading").map((p) => p.soak ? `${p.soak.state} ${p.reason ?? ""}` : p.state)))}\n${fleet.proc.output().slice(-3000)}`,
      120_000,
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`fleet of ${DEVICES}: desired -> soak passed on all in ${seconds.toFixed(1)} s`);
    // One process: the harness is the single child.
    expect(fleet.proc.child.pid).toBeGreaterThan(0);
    for (const id of ids) expect(progress(id, "fleet-v1").map((p) => p.state)).not.toContain("failed");
  }, 150_000);
});
