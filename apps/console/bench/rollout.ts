/**
 * A staged rollout to N simulated devices (default 100) through the real broker: devices
 * registered through the service layer, each an MQTT client with its device credentials that
 * answers a new desired state the way the agent reports (`running`), and the console's rollout
 * engine ticking as in the server (every second). Measured: creation → every device running, and
 * first device told → every device running, for an all-at-once rollout (`--batch N`) and a staged
 * one (`--batch 10 --increase 2`); compared against one plain `deployProject` to the same devices
 * (created → all running), which has no batches and no ticks.
 *
 * Run: `pnpm --filter @edgelens/console exec tsx bench/rollout.ts [--devices 100] [--json out.json]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { MqttClient } from "mqtt";
import { DesiredStateSchema, topics } from "@edgelens/shared";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { deployProject, getDeploymentView } from "../src/server/services/deployments";
import { registerDevice } from "../src/server/services/devices";
import { createProject, saveProjectVersion } from "../src/server/services/projects";
import { startRolloutEngine } from "../src/server/services/rollout-driver";
import { createRollout, getRollout } from "../src/server/services/rollouts";
import { startBroker } from "../test/support/broker";
import { connectAsDevice, reportProgress } from "../test/support/fake-device";

const { values: args } = parseArgs({ options: { devices: { type: "string", default: "100" }, json: { type: "string" } } });
const N = Number(args.devices);
if (!Number.isInteger(N) || N < 1 || N > 2000) throw new Error("--devices must be an integer 1-2000");
const SECRET = "bench-secret-0123456789abcdef";
const TIMEOUT_MS = 300_000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Each device answers every new desired state with `running` under its deployment id. */
function answerAsAgent(client: MqttClient, deviceId: string): void {
  const handled = new Set<string>();
  client.on("message", (_t, payload) => {
    if (payload.length === 0) return;
    const { deploymentId } = DesiredStateSchema.parse(JSON.parse(payload.toString("utf8")));
    if (handled.has(deploymentId)) return;
    handled.add(deploymentId);
    void reportProgress(client, deviceId, { deploymentId, state: "running" });
  });
}

async function rolloutRun(ctx: ServiceContext, ids: string[], version: number, params: { batch: number; increase: number }) {
  const t0 = Date.now();
  const r = createRollout(ctx, { projectId: "bench", version, deviceIds: ids, params: { ...params, soakS: 0 } });
  await until(`rollout ${r.id}`, () => getRollout(ctx, r.id).state === "completed");
  const done = getRollout(ctx, r.id);
  const firstTold = Math.min(...done.devices.map((d) => d.notifiedAt ?? Infinity));
  return { createdToAllRunningMs: Date.now() - t0, firstToldToAllRunningMs: Date.now() - firstTold, batches: Math.max(...done.devices.map((d) => d.batch ?? 0)) + 1 };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-bench-rollout-"));
  const clients: MqttClient[] = [];
  let ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: SECRET }));
  const broker = await startBroker(dir, SECRET);
  try {
    await closeContext(ctx);
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: SECRET, EDGELENS_BROKER_URL: broker.mqttUrl }));
    await createProject(ctx, { name: "bench", template: "face-detection", config: { source: "/media/person.jpg" } });
    const ids = Array.from({ length: N }, (_, i) => `bench-${String(i).padStart(4, "0")}`);
    const seedStart = Date.now();
    for (const id of ids) {
      const { deviceFile } = await registerDevice(ctx, { id });
      const client = await connectAsDevice(broker.mqttUrl, deviceFile);
      answerAsAgent(client, id);
      await client.subscribeAsync(topics.shadowDesired(id), { qos: 1 });
      clients.push(client);
    }
    log(`${N} devices registered and connected in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const t0 = Date.now();
    const plain = await deployProject(ctx, { projectId: "bench", deviceIds: ids });
    await until("the plain deployment", () => plain.every((d) => getDeploymentView(ctx, d.id).state === "running"));
    const plainMs = Date.now() - t0;
    log(`plain deploy to ${N}: ${plainMs} ms`);
    const engine = startRolloutEngine(ctx);
    try {
      const v2 = (await saveProjectVersion(ctx, "bench", { config: { source: "/media/person.jpg", fps: 2 } })).version;
      const allAtOnce = await rolloutRun(ctx, ids, v2, { batch: N, increase: 1 });
      log(`rollout --batch ${N}: ${JSON.stringify(allAtOnce)}`);
      const v3 = (await saveProjectVersion(ctx, "bench", { config: { source: "/media/person.jpg", fps: 3 } })).version;
      const staged = await rolloutRun(ctx, ids, v3, { batch: 10, increase: 2 });
      log(`rollout --batch 10 --increase 2: ${JSON.stringify(staged)}`);
      return { devices: N, plainMs, allAtOnce, staged };
    } finally {
      await engine.stop();
    }
  } finally {
    for (const c of clients) await c.endAsync().catch(() => {});
    await closeContext(ctx);
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const details = await main();
process.stdout.write(`${JSON.stringify(details)}\n`);
if (args.json) {
  const plain = { name: `plain deployProject to ${N} devices, created -> all running`, value: details.plainMs, unit: "ms" };
  const figures = [
    { name: `rollout --batch ${N} to ${N} devices: first told -> all running`, value: details.allAtOnce.firstToldToAllRunningMs, unit: "ms", comparedTo: plain },
    { name: `rollout --batch ${N} to ${N} devices: created -> all running`, value: details.allAtOnce.createdToAllRunningMs, unit: "ms", comparedTo: plain },
    { name: `rollout --batch 10 --increase 2 to ${N} devices (${details.staged.batches} batches): created -> all running`, value: details.staged.createdToAllRunningMs, unit: "ms", comparedTo: plain },
  ];
  writeFileSync(args.json, `${JSON.stringify({ bench: "console-rollout", figures, details }, null, 2)}\n`);
}
