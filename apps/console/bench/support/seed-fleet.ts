/**
 * A fleet for the page benchmark, written through the console's service layer where the console
 * writes (users, API tokens, devices, a project, deployments, rules) and as the broker writes
 * where only the broker does (presence and telemetry on connect, deployment progress, stored
 * events), straight into the same SQLite file.
 */
import { eq, inArray } from "drizzle-orm";
import { deploymentEvents, deployments, devices, events, rolloutDevices } from "@edgelens/db";
import type { Telemetry } from "@edgelens/shared";
import { loadConsoleConfig } from "../../src/env";
import { closeContext, createContext } from "../../src/server/build-context";
import type { ConsolePublisher } from "../../src/server/mqtt/console-client";
import { deployProject } from "../../src/server/services/deployments";
import { registerDevice } from "../../src/server/services/devices";
import { createProject } from "../../src/server/services/projects";
import { createGroup } from "../../src/server/services/groups";
import { createRollout, moveRollout } from "../../src/server/services/rollouts";
import { createRule } from "../../src/server/services/rules";
import { createApiToken } from "../../src/server/services/tokens";
import { createUser } from "../../src/server/services/users";

export interface FleetSpec {
  dataDir: string;
  secret: string;
  devices: number;
  /**
   * How many of them go through `registerDevice` (one scrypt hash each, ~50 ms of CPU); the rest
   * are inserted as it inserts them but share the first device's hash: pages never read it.
   */
  register: number;
  /** Stored events spread over the last hour (the dashboard's window). */
  events: number;
  admin: { email: string; password: string };
}

export interface SeededFleet {
  /** API token of the admin (Bearer) for /api/v1. */
  apiToken: string;
  /** A paused rollout of the project to every device: most told and running, some failed, the rest pending. */
  rolloutId: string;
  /** A static group of every device. */
  groupName: string;
  counts: { devices: number; registeredViaService: number; online: number; deployments: number; running: number; failed: number; events: number; rules: number };
  seconds: number;
}

/**
 * No broker runs in this benchmark and no device would act on a desired state, so the retained
 * publishes of `deployProject` go nowhere: the deployments stay `queued` until the progress below.
 */
const noBroker: ConsolePublisher = {
  url: "mqtt://bench.invalid",
  publish: async () => undefined,
  subscribe: async () => async () => undefined,
  close: async () => undefined,
};

const deviceId = (i: number): string => `bench-cam-${String(i).padStart(4, "0")}`;

const REGISTER_CONCURRENCY = 8;

export async function seedFleet(spec: FleetSpec): Promise<SeededFleet> {
  const started = performance.now();
  const config = loadConsoleConfig({ EDGELENS_DATA_DIR: spec.dataDir, EDGELENS_SECRET: spec.secret });
  const ctx = createContext(config, { mqtt: noBroker });
  try {
    const admin = await createUser(ctx, { email: spec.admin.email, password: spec.admin.password, role: "admin" });
    const { secret: apiToken } = createApiToken(ctx, admin.id, "bench");
    const ids = Array.from({ length: spec.devices }, (_, i) => deviceId(i));
    const viaService = Math.max(1, Math.min(spec.register, ids.length));
    // scrypt runs on libuv's pool: a few registrations at once keep both cores busy.
    for (let i = 0; i < viaService; i += REGISTER_CONCURRENCY) {
      await Promise.all(ids.slice(i, Math.min(i + REGISTER_CONCURRENCY, viaService)).map((id, k) => registerDevice(ctx, { id, name: `Camera ${i + k + 1}` })));
    }
    const secretHash = ctx.db.select({ h: devices.secretHash }).from(devices).where(eq(devices.id, ids[0]!)).get()!.h;
    ctx.handle.sqlite.transaction(() => {
      for (const [k, id] of ids.slice(viaService).entries()) ctx.db.insert(devices).values({ id, name: `Camera ${viaService + k + 1}`, secretHash }).run();
    })();
    const project = await createProject(ctx, { name: "Bench counter", description: "blank function, for the page benchmark" });
    const deployed = await deployProject(ctx, { projectId: project.id, deviceIds: ids }, admin.id);
    const rollout = createRollout(ctx, { projectId: project.id, deviceIds: ids, params: { batch: 10, increase: 2, abortFailuresPct: 20, abortMin: 20, soakS: 0 } }, admin.id);
    moveRollout(ctx, rollout.id, "pause");
    const group = createGroup(ctx, { name: "bench-all", devices: ids });
    const rules = [
      createRule(ctx, { name: "crowd", sql: "SELECT counts.person AS people FROM 'edgelens/devices/+/infer' WHERE counts.person > 3", actions: [{ type: "store", snapshot: false }] }),
      createRule(ctx, { name: "dogs", sql: "SELECT * FROM 'edgelens/devices/+/infer' WHERE count(detections, 'label', 'dog') > 0", actions: [{ type: "store", snapshot: false }] }),
    ];

    // As the broker: 80 % connected (registered), 60 % online with telemetry; progress of the
    // deployments: most running, some failed, the rest still queued.
    const now = Date.now();
    const online = ids.filter((_, i) => i % 5 < 3);
    const registered = ids.filter((_, i) => i % 5 < 4);
    const running = deployed.filter((_, i) => i % 20 < 17);
    const failed = deployed.filter((_, i) => i % 20 === 17);
    ctx.handle.sqlite.transaction(() => {
      ctx.db.update(devices).set({ registration: "registered", agentVersion: "0.1.0", lastSeenAt: now - 60_000 }).where(inArray(devices.id, registered)).run();
      for (const [i, id] of online.entries()) {
        const telemetry: Telemetry = { fps: 4 + (i % 7), latencyMs: { p50: 40 + (i % 30), p95: 90 + (i % 50) }, cpu: 35 + (i % 40), rssMb: 180 + (i % 60), droppedFrames: i % 13, spoolDepth: 0, ts: now - (i % 5000) };
        ctx.db.update(devices).set({ presence: "online", lastSeenAt: now - (i % 5000), telemetry }).where(eq(devices.id, id)).run();
      }
      for (const d of running) {
        ctx.db.update(deployments).set({ state: "running", updatedAt: now }).where(eq(deployments.id, d.id)).run();
        ctx.db.insert(deploymentEvents).values({ deploymentId: d.id, state: "running", ts: now }).run();
        ctx.db.update(devices).set({ currentDeploymentId: d.id }).where(eq(devices.id, d.deviceId)).run();
      }
      for (const d of failed) {
        ctx.db.update(deployments).set({ state: "failed", reason: "first frame timeout", updatedAt: now }).where(eq(deployments.id, d.id)).run();
        ctx.db.insert(deploymentEvents).values({ deploymentId: d.id, state: "failed", reason: "first frame timeout", ts: now }).run();
      }
      // As the rollout driver writes: batches 1, 2, 4, … told and finished, then paused.
      for (const [i, id] of ids.entries()) {
        if (i % 20 >= 13) continue;
        const bad = i % 20 === 12;
        const d = deployed[i]!;
        ctx.db
          .update(rolloutDevices)
          .set({ state: bad ? "rolled-back" : "running", batch: Math.floor(Math.log2(i + 1)), deploymentId: d.id, notifiedAt: now - 600_000 + i, finishedAt: now - 300_000, ...(bad ? { reason: "first frame timeout" } : {}) })
          .where(eq(rolloutDevices.deviceId, id))
          .run();
      }
      for (let i = 0; i < spec.events; i++) {
        const rule = rules[i % rules.length]!;
        const device = online[i % online.length] ?? ids[0]!;
        const payload = { people: 4 + (i % 3), seq: i, detections: [{ label: "person", score: 0.8, box: [10, 20, 110, 220] }] };
        ctx.db.insert(events).values({ ruleId: rule.id, ruleName: rule.name, topic: `edgelens/devices/${device}/infer`, deviceId: device, labels: "person", payload, ts: now - Math.floor((i / spec.events) * 3_540_000) }).run();
      }
    })();
    return {
      apiToken,
      rolloutId: rollout.id,
      groupName: group.name,
      counts: { devices: ids.length, registeredViaService: viaService, online: online.length, deployments: deployed.length, running: running.length, failed: failed.length, events: spec.events, rules: rules.length },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await closeContext(ctx);
  }
}
