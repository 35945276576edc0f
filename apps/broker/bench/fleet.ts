/**
 * A fleet on the broker (issue 18's bench): `--devices` (20,000) simulated devices in this one
 * process, real MQTT connections on loopback, each publishing a ~300-byte result every
 * `--interval` (10) s at QoS 1 with the ten bench rules on, one subscriber on every device's results.
 *
 * 1. One node: connect time, broker RSS per connection, its CPU while they idle 10 s, a `--seconds`
 *    steady window (p50/p99 publish -> subscriber, broker CPU per message).
 * 2. Restart (SIGTERM, start again on the same port): the connect storm, from the new broker's
 *    ready line until every device is connected and the database says every device is online.
 * 3. Two nodes clustered over a real redis-server (devices alternating nodes, subscriber on the
 *    second): the same steady window; CPU per message of both nodes (and Redis's apart) against one node.
 *
 *   pnpm --filter @edgelens/broker exec tsx bench/fleet.ts [--devices N] [--interval S] [--seconds S]
 *     [--concurrency C (connections opened at once)] [--no-cluster] [--node-args "--cpu-prof …"] [--json F]
 *
 * The devices need one file descriptor each here and in the broker: a lower RLIMIT_NOFILE is
 * raised with prlimit(1) where allowed (root), else the bench stops and says how to raise it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { count, eq } from "drizzle-orm";
import { dataPaths, devices as deviceTable, openDatabase } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { startRedisServer } from "@edgelens/tooling/redis-server";
import { openFleet, runSteady, type Fleet, type SteadyResult } from "./support/fleet-load";
import { cpuMs, rssMiB, startEdgelens, type BrokerUnderTest } from "./support/processes";
import { BENCH_SECRET, deviceName, RULE_COUNT, seedBench } from "./support/seed";

const brokerRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "20000" },
    interval: { type: "string", default: "10" },
    seconds: { type: "string", default: "60" },
    concurrency: { type: "string", default: "200" },
    "no-cluster": { type: "boolean", default: false },
    "node-args": { type: "string", default: "" },
    json: { type: "string" },
  },
});
const N = Number(args.devices);
const intervalS = Number(args.interval);
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
for (const [flag, n] of [["--devices", N], ["--interval", intervalS], ["--seconds", seconds], ["--concurrency", concurrency]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}
const nodeArgs = args["node-args"].split(" ").filter(Boolean);
const STORM_TIMEOUT_MS = 180_000;
const DRAIN_MS = 30_000;
const IDLE_WINDOW_MS = 10_000;

/** Max open files of this process (proc(5) limits), raised to `want` with prlimit(1) if lower. */
function ensureFileLimit(want: number): number {
  const soft = () => Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? 0);
  if (soft() >= want) return soft();
  try {
    execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${want}:${want}`], { stdio: "pipe" });
  } catch (err) {
    throw new Error(`${N} devices need ${want} open files, RLIMIT_NOFILE is ${soft()} and prlimit could not raise it (${(err as Error).message.split("\n")[0]}): run as root, raise \`ulimit -n\`, or pass --devices ${Math.max(1, soft() - 200)}`);
  }
  return soft();
}

/** A process's CPU over the next `ms`, in % of one core. */
async function cpuPercent(pid: number, ms: number): Promise<number> {
  const before = cpuMs(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return ((cpuMs(pid) - before) * 100) / (performance.now() - t0);
}

function onlineCount(dataDir: string): number {
  const handle = openDatabase(dataPaths(dataDir).dbFile);
  try {
    return handle.db.select({ n: count() }).from(deviceTable).where(eq(deviceTable.presence, "online")).get()?.n ?? 0;
  } finally {
    handle.close();
  }
}

async function waitOnline(dataDir: string, want: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = onlineCount(dataDir);
    if (n >= want) return;
    if (Date.now() > deadline) throw new Error(`the database says ${n} of ${want} devices online after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function subscribe(port: number, login: { username: string; password: string }, clientId: string): Promise<MqttClient> {
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, protocolVersion: 4, clean: true, clientId, ...login });
  await sub.subscribeAsync(topics.infer("+"), { qos: 1 });
  return sub;
}

interface Window extends SteadyResult {
  brokerCpuMs: number;
  redisCpuMs: number;
  cpuUsPerMsg: number;
}

async function measure(fleet: Fleet, sub: MqttClient, ids: string[], pids: number[], redisPid: number | null): Promise<Window> {
  const cpu = () => pids.reduce((s, p) => s + cpuMs(p), 0);
  const c0 = cpu();
  const r0 = redisPid ? cpuMs(redisPid) : 0;
  const steady = await runSteady(fleet, sub, ids, intervalS, seconds, DRAIN_MS);
  const brokerCpuMs = cpu() - c0;
  const redisCpuMs = redisPid ? cpuMs(redisPid) - r0 : 0;
  return { ...steady, brokerCpuMs, redisCpuMs, cpuUsPerMsg: (brokerCpuMs * 1000) / Math.max(1, steady.received) };
}

async function main(): Promise<void> {
  const limit = ensureFileLimit(N + 200);
  const work = mkdtempSync(join(tmpdir(), "edgelens-fleet-"));
  const dataDir = join(work, "data");
  const ids = Array.from({ length: N }, (_, i) => deviceName(i));
  const logins = ids.map((id) => ({ clientId: id, username: id, password: BENCH_SECRET }));
  const load0 = loadavg();
  const report: Report = { bench: "broker-fleet", devices: N, intervalS, seconds, rules: RULE_COUNT, fileLimit: limit };
  try {
    const admin = await seedBench(dataDir, N);
    // 1. One node.
    let node = await startEdgelens(brokerRoot, dataDir, nodeArgs);
    const port = node.port;
    let fleet: Fleet | null = null;
    try {
      const idleRss = rssMiB(node.pid);
      const t0 = performance.now();
      fleet = await openFleet({ ports: [port], logins, concurrency, connectTimeoutMs: 60_000 });
      await fleet.allConnected(STORM_TIMEOUT_MS);
      const connectS = (performance.now() - t0) / 1000;
      await waitOnline(dataDir, N, STORM_TIMEOUT_MS);
      const connectedRss = rssMiB(node.pid);
      // What the connections cost while nothing is published (keepalives, timers, presence).
      const idleCpuPct = await cpuPercent(node.pid, IDLE_WINDOW_MS);
      progress(`one node: ${N} devices connected in ${connectS.toFixed(1)} s; broker RSS ${idleRss.toFixed(0)} -> ${connectedRss.toFixed(0)} MiB; ${idleCpuPct.toFixed(1)} % of a core while they are idle`);
      const sub = await subscribe(port, admin, "bench-fleet-sub-1");
      const single = await measure(fleet, sub, ids, [node.pid], null);
      await sub.endAsync(true);
      progress(`one node steady: ${single.received}/${single.sent} in ${single.seconds.toFixed(1)} s, p50 ${single.latencyMs.p50.toFixed(1)} ms, p99 ${single.latencyMs.p99.toFixed(1)} ms, ${single.cpuUsPerMsg.toFixed(0)} us CPU/msg`);

      // 2. Restart: the devices reconnect on their own, all at once.
      await node.stop();
      node = await startEdgelens(brokerRoot, dataDir, nodeArgs, { env: { EDGELENS_MQTT_PORT: String(port) } });
      const s0 = performance.now();
      // The new broker marked every device offline before its ready line: the storm starts from 0.
      const onlineAtStart = onlineCount(dataDir);
      // Devices connected and broker CPU every 5 s: where a slow storm spends its time.
      const timeline: NonNullable<Report["restart"]>["timeline"] = [];
      let lastCpu = cpuMs(node.pid);
      const restarted = node;
      const sampler = setInterval(() => {
        const cpu = cpuMs(restarted.pid);
        timeline.push({ atS: Math.round((performance.now() - s0) / 1000), connected: fleet?.connected() ?? 0, brokerCpuPct: Math.round((cpu - lastCpu) / 50) });
        lastCpu = cpu;
      }, 5000);
      await fleet.allConnected(STORM_TIMEOUT_MS).finally(() => clearInterval(sampler));
      if (timeline.length > 0) progress(`storm timeline (s: connected, broker CPU %): ${timeline.map((t) => `${t.atS}: ${t.connected}, ${t.brokerCpuPct}%`).join("; ")}`);
      const stormConnectedS = (performance.now() - s0) / 1000;
      await waitOnline(dataDir, N, STORM_TIMEOUT_MS);
      const stormOnlineS = (performance.now() - s0) / 1000;
      progress(`restart storm: ${onlineAtStart} online at the ready line; all connected after ${stormConnectedS.toFixed(1)} s, all online in the database after ${stormOnlineS.toFixed(1)} s`);
      report.oneNode = { connectS, idleRssMiB: idleRss, connectedRssMiB: connectedRss, rssKiBPerConnection: ((connectedRss - idleRss) * 1024) / N, idleCpuPct, steady: single };
      report.restart = { onlineAtStart, connectedS: stormConnectedS, onlineS: stormOnlineS, timeline };
      await fleet.close();
      fleet = null;
    } finally {
      await fleet?.close();
      await node.stop();
    }

    // 3. Two nodes over Redis.
    if (!args["no-cluster"]) {
      const redis = await startRedisServer();
      const nodes: BrokerUnderTest[] = [];
      let cfleet: Fleet | null = null;
      try {
        const env = { EDGELENS_BROKER_CLUSTER: redis.url };
        nodes.push(await startEdgelens(brokerRoot, dataDir, nodeArgs, { name: "node-1", env }));
        nodes.push(await startEdgelens(brokerRoot, dataDir, nodeArgs, { name: "node-2", env }));
        const t0 = performance.now();
        cfleet = await openFleet({ ports: nodes.map((n) => n.port), logins, concurrency, connectTimeoutMs: 60_000 });
        await cfleet.allConnected(STORM_TIMEOUT_MS);
        const connectS = (performance.now() - t0) / 1000;
        const sub = await subscribe(nodes[1]!.port, admin, "bench-fleet-sub-2");
        const clustered = await measure(cfleet, sub, ids, nodes.map((n) => n.pid), redis.proc.child.pid ?? null);
        await sub.endAsync(true);
        progress(`two nodes + Redis steady: ${clustered.received}/${clustered.sent}, p50 ${clustered.latencyMs.p50.toFixed(1)} ms, p99 ${clustered.latencyMs.p99.toFixed(1)} ms, ${clustered.cpuUsPerMsg.toFixed(0)} us broker CPU/msg (+${((clustered.redisCpuMs * 1000) / Math.max(1, clustered.received)).toFixed(0)} us Redis)`);
        report.twoNodes = { connectS, rssMiB: nodes.map((n) => rssMiB(n.pid)), steady: clustered };
      } finally {
        await cfleet?.close();
        for (const n of nodes) await n.stop();
        await redis.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  report.loadavg = { start: load0, end: loadavg() };
  report.machine = { cpus: cpus().length, model: cpus()[0]?.model ?? "", node: process.version };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ bench: "broker-fleet", figures: figuresOf(report), details: report }, null, 2)}\n`);
}

function progress(line: string): void {
  process.stderr.write(`fleet: ${line}\n`);
}

interface Report {
  bench: "broker-fleet";
  devices: number;
  intervalS: number;
  seconds: number;
  rules: number;
  fileLimit: number;
  oneNode?: { connectS: number; idleRssMiB: number; connectedRssMiB: number; rssKiBPerConnection: number; idleCpuPct: number; steady: Window };
  restart?: { onlineAtStart: number; connectedS: number; onlineS: number; timeline: { atS: number; connected: number; brokerCpuPct: number }[] };
  twoNodes?: { connectS: number; rssMiB: number[]; steady: Window };
  loadavg?: { start: number[]; end: number[] };
  machine?: { cpus: number; model: string; node: string };
}

/** Issue 18's targets: storm < 60 s, p99 < 100 ms, cluster CPU per message <= 1.5x one node's. */
function figuresOf(r: Report) {
  const n = `${r.devices} devices, 1 result / ${intervalS} s each, ${RULE_COUNT} rules`;
  const out = [];
  if (r.restart) out.push({ name: `broker restart: all back online (${n})`, value: round(r.restart.onlineS), unit: "s", comparedTo: null, target: { on: "value" as const, max: 60 } });
  if (r.oneNode) {
    out.push({ name: `one node: publish -> subscriber p99 (${n})`, value: round(r.oneNode.steady.latencyMs.p99), unit: "ms", comparedTo: null, target: { on: "value" as const, max: 100 } });
    out.push({ name: `one node: publish -> subscriber p50 (${n})`, value: round(r.oneNode.steady.latencyMs.p50), unit: "ms", comparedTo: null });
    out.push({ name: "one node: broker RSS per connected device", value: round(r.oneNode.rssKiBPerConnection), unit: "KiB", comparedTo: null });
    out.push({ name: `one node: broker CPU with ${r.devices} devices connected and idle`, value: round(r.oneNode.idleCpuPct), unit: "% of a core", comparedTo: null });
  }
  if (r.oneNode && r.twoNodes) {
    out.push({
      name: `two nodes + Redis: broker CPU per message (${n})`,
      value: round(r.twoNodes.steady.cpuUsPerMsg),
      unit: "us",
      comparedTo: { name: "one node, same load", value: round(r.oneNode.steady.cpuUsPerMsg), unit: "us" },
      target: { on: "ratio" as const, max: 1.5 },
    });
    out.push({ name: `two nodes + Redis: publish -> subscriber p99 (${n})`, value: round(r.twoNodes.steady.latencyMs.p99), unit: "ms", comparedTo: null, target: { on: "value" as const, max: 100 } });
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
