/**
 * The same load against the Edgelens broker (auth + ACL + payload validation + 10 rules),
 * mosquitto, and aedes with no hooks (to tell aedes's cost from ours), each in its own process
 * on loopback: 100 and 1000 devices publishing ~300-byte
 * InferenceResults at QoS 1 to one subscriber on `edgelens/devices/+/infer`.
 * Reports msgs/s, p50/p99 latency, broker CPU per message and the ratios to mosquitto.
 *
 *   pnpm --filter @edgelens/broker exec tsx bench/broker-vs-mosquitto.ts   (JSON on stdout, table on stderr)
 *
 * Flags: --mosquitto <path> (default /usr/sbin/mosquitto), --messages N (per run, default 20000),
 * --devices 100,1000, --rounds N (default 3; ratios use the median run), --node-args "<flags>"
 * (extra node flags for our broker, e.g. "--cpu-prof"), --json <file> (the fragment that root
 * `pnpm bench` merges), --overload-seconds N (default 60; 0 skips it): an open-loop overload of
 * --overload-rate msgs/s (default 20000) from 100 devices against ours, ours without backpressure
 * and mosquitto, reporting delivered msgs/s, p50/p99 and broker RSS every 5 s; --paced-rate N
 * (default 5000) for --paced-seconds (default 15; 0 skips it): the same open-loop load below
 * saturation, p50/p99 of ours against mosquitto's. --baseline <dir> also runs the broker package
 * in <dir> (e.g. a worktree of the commit before a change) as `edgelens-baseline`, side by side.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { IClientOptions } from "mqtt";
import { runLoad, type LoadResult } from "./support/load";
import { runOverload, type OverloadResult } from "./support/overload";
import { cpuMs, startBareAedes, startEdgelens, startMosquitto, type BrokerUnderTest } from "./support/processes";
import { BENCH_SECRET, deviceName, RULE_COUNT, seedBench } from "./support/seed";

const brokerRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    mosquitto: { type: "string", default: "/usr/sbin/mosquitto" },
    messages: { type: "string", default: "20000" },
    devices: { type: "string", default: "100,1000" },
    rounds: { type: "string", default: "3" },
    "node-args": { type: "string", default: "" },
    json: { type: "string" },
    "overload-seconds": { type: "string", default: "60" },
    "overload-rate": { type: "string", default: "20000" },
    "paced-rate": { type: "string", default: "5000" },
    baseline: { type: "string" },
    "paced-seconds": { type: "string", default: "15" },
  },
});
const overloadSeconds = Number(args["overload-seconds"]);
const overloadRate = Number(args["overload-rate"]);
const pacedRate = Number(args["paced-rate"]);
const pacedSeconds = Number(args["paced-seconds"]);
const OVERLOAD_DEVICES = 100;
const mosquittoBin = args.mosquitto;
const messages = Number(args.messages);
const deviceCounts = args.devices.split(",").map(Number);
const rounds = Number(args.rounds);
const nodeArgs = args["node-args"].split(" ").filter(Boolean);
for (const [flag, n] of [["--messages", messages], ["--rounds", rounds], ["--overload-rate", overloadRate], ...deviceCounts.map((d) => ["--devices", d] as const)] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer (list for --devices)`);
}
for (const [flag, n] of [["--overload-seconds", overloadSeconds], ["--paced-seconds", pacedSeconds], ["--paced-rate", pacedRate]] as const) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer`);
}
const PHASE_TIMEOUT_MS = 120_000;

interface Row extends LoadResult {
  broker: string;
  cpuMsTotal: number;
  cpuUsPerMsg: number;
}

async function measure(broker: BrokerUnderTest, deviceCount: number, logins: (i: number) => IClientOptions, subscriber: IClientOptions): Promise<Row> {
  const perDevice = Math.max(1, Math.round(messages / deviceCount));
  let startCpu = 0;
  let endCpu = 0;
  const result = await runLoad(
    `mqtt://127.0.0.1:${broker.port}`,
    Array.from({ length: deviceCount }, (_, i) => logins(i)),
    subscriber,
    perDevice,
    PHASE_TIMEOUT_MS,
    { start: () => (startCpu = cpuMs(broker.pid)), end: () => (endCpu = cpuMs(broker.pid)) },
  );
  const cpuMsTotal = endCpu - startCpu;
  return { broker: broker.name, ...result, cpuMsTotal, cpuUsPerMsg: (cpuMsTotal * 1000) / Math.max(1, result.received) };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "edgelens-bench-"));
  const rows: Row[] = [];
  const overload: OverloadResult[] = [];
  const paced: OverloadResult[] = [];
  try {
    const maxDevices = Math.max(...deviceCounts, overloadSeconds > 0 ? OVERLOAD_DEVICES : 0);
    const admin = await seedBench(join(work, "data"), maxDevices);
    // Both run for the whole bench (the idle one costs nothing); runs alternate so that load
    // from other processes on the machine spreads over both.
    const ours = await startEdgelens(brokerRoot, join(work, "data"), nodeArgs);
    const baselineAdmin = args.baseline ? await seedBench(join(work, "data-baseline"), maxDevices) : null;
    const baseline = args.baseline ? await startEdgelens(args.baseline, join(work, "data-baseline"), nodeArgs, { name: "edgelens-baseline" }) : null;
    const mosquitto = await startMosquitto(mosquittoBin, work);
    const bare = await startBareAedes(brokerRoot);
    try {
      for (let round = 0; round < rounds; round++) {
        for (const n of deviceCounts) {
          rows.push(await measure(ours, n, (i) => ({ clientId: deviceName(i), username: deviceName(i), password: BENCH_SECRET }), { clientId: `bench-admin-${n}-${round}`, ...admin }));
          if (baseline && baselineAdmin) rows.push(await measure(baseline, n, (i) => ({ clientId: deviceName(i), username: deviceName(i), password: BENCH_SECRET }), { clientId: `bench-admin-${n}-${round}`, ...baselineAdmin }));
          rows.push(await measure(mosquitto, n, (i) => ({ clientId: deviceName(i) }), { clientId: `bench-sub-${n}-${round}` }));
          rows.push(await measure(bare, n, (i) => ({ clientId: deviceName(i) }), { clientId: `bench-bare-${n}-${round}` }));
        }
      }
      if (pacedSeconds > 0 && pacedRate > 0) {
        // Below saturation: one window over the whole run, ours and mosquitto alternating.
        const devices = (login: (i: number) => IClientOptions) => Array.from({ length: OVERLOAD_DEVICES }, (_, i) => login(i));
        for (let round = 0; round < rounds; round++) {
          paced.push(await runOverload(ours, devices((i) => ({ clientId: deviceName(i), username: deviceName(i), password: BENCH_SECRET })), { clientId: `bench-admin-paced-${round}`, ...admin }, pacedRate, pacedSeconds, pacedSeconds));
          paced.push(await runOverload(mosquitto, devices((i) => ({ clientId: deviceName(i) })), { clientId: `bench-sub-paced-${round}` }, pacedRate, pacedSeconds, pacedSeconds));
        }
      }
      if (overloadSeconds > 0) {
        await bare.stop();
        const devices = (login: (i: number) => IClientOptions) => Array.from({ length: OVERLOAD_DEVICES }, (_, i) => login(i));
        const ourLogin = (i: number) => ({ clientId: deviceName(i), username: deviceName(i), password: BENCH_SECRET });
        overload.push(await runOverload(ours, devices(ourLogin), { clientId: "bench-admin-overload", ...admin }, overloadRate, overloadSeconds));
        // The same broker with backpressure off (what the overload did before issue 14.2), on the
        // same data dir, so ours stops first (its LevelDB is locked while it runs).
        await ours.stop();
        const unguarded = await startEdgelens(brokerRoot, join(work, "data"), nodeArgs, { name: "edgelens-no-backpressure", env: { EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES: "0" } });
        try {
          overload.push(await runOverload(unguarded, devices(ourLogin), { clientId: "bench-admin-overload-2", ...admin }, overloadRate, overloadSeconds));
        } finally {
          await unguarded.stop();
        }
        overload.push(await runOverload(mosquitto, devices((i) => ({ clientId: deviceName(i) })), { clientId: "bench-sub-overload" }, overloadRate, overloadSeconds));
      }
    } finally {
      await ours.stop();
      await baseline?.stop();
      await mosquitto.stop();
      await bare.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const median = (broker: string, n: number): Row | undefined => {
    const runs = rows.filter((r) => r.broker === broker && r.devices === n).sort((a, b) => a.msgsPerSec - b.msgsPerSec);
    return runs[Math.floor(runs.length / 2)];
  };
  const ratios = deviceCounts.map((n) => {
    const e = median("edgelens", n);
    const m = median("mosquitto", n);
    return {
      devices: n,
      throughput: e && m ? round(e.msgsPerSec / m.msgsPerSec) : null,
      cpuPerMsg: e && m ? round(e.cpuUsPerMsg / m.cpuUsPerMsg) : null,
      p50Latency: e && m ? round(e.latencyMs.p50 / m.latencyMs.p50) : null,
      bareAedesThroughput: median("aedes-bare", n) && m ? round((median("aedes-bare", n)?.msgsPerSec ?? 0) / m.msgsPerSec) : null,
      bareAedesCpuPerMsg: median("aedes-bare", n) && m ? round((median("aedes-bare", n)?.cpuUsPerMsg ?? 0) / m.cpuUsPerMsg) : null,
    };
  });
  const report = {
    bench: "broker-vs-mosquitto",
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "", node: process.version },
    setup: { messagesPerRun: messages, payloadBytes: 300, qos: 1, rules: RULE_COUNT, edgelens: "auth + ACL + schema validation + rules", mosquitto: "anonymous, no persistence", "aedes-bare": "aedes 1.2 defaults, in-memory, no hooks" },
    results: rows.map((r) => ({
      ...r,
      msgsPerSec: round(r.msgsPerSec),
      seconds: round(r.seconds),
      connectSeconds: round(r.connectSeconds),
      cpuUsPerMsg: round(r.cpuUsPerMsg),
      loadGeneratorCpuUsPerMsg: round(r.loadGeneratorCpuUsPerMsg),
      latencyMs: { p50: round(r.latencyMs.p50), p99: round(r.latencyMs.p99) },
    })),
    ratios,
    paced,
    overload,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ bench: "broker", figures: figuresOf(deviceCounts.map((n) => ({ n, e: median("edgelens", n), m: median("mosquitto", n), bare: median("aedes-bare", n) }))), details: report }, null, 2)}\n`);
  const line = (cells: (string | number)[]) => cells.map((c) => String(c).padStart(12)).join("");
  process.stderr.write(`${line(["broker", "devices", "received", "msgs/s", "p50 ms", "p99 ms", "cpu us/msg", "loadgen us", "connect s"])}\n`);
  for (const r of report.results) {
    process.stderr.write(`${line([r.broker, r.devices, `${r.received}/${r.sent}`, r.msgsPerSec, r.latencyMs.p50, r.latencyMs.p99, r.cpuUsPerMsg, r.loadGeneratorCpuUsPerMsg, r.connectSeconds])}\n`);
  }
  for (const p of paced) {
    const w = p.windows.at(-1);
    if (w) process.stderr.write(`paced ${p.broker}: ${p.devices} devices offering ${p.offeredPerSec} msgs/s: delivered ${w.deliveredPerSec}/s, held ${w.held}, p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms\n`);
  }
  for (const o of overload) {
    process.stderr.write(`overload ${o.broker}: ${o.devices} devices offering ${o.offeredPerSec} msgs/s (QoS 1, <= 20 unacknowledged each)\n`);
    process.stderr.write(`${line(["at s", "offered", "held", "delivered/s", "p50 ms", "p99 ms", "rss MiB"])}\n`);
    for (const w of o.windows) process.stderr.write(`${line([w.at, w.offered, w.held, w.deliveredPerSec, w.p50Ms, w.p99Ms, w.brokerRssMiB])}\n`);
  }
  for (const n of args.baseline ? deviceCounts : []) {
    const b = median("edgelens-baseline", n);
    const m = median("mosquitto", n);
    if (b && m) process.stderr.write(`@${n} devices vs mosquitto: baseline throughput x${round(b.msgsPerSec / m.msgsPerSec)}, cpu/msg x${round(b.cpuUsPerMsg / m.cpuUsPerMsg)}, p50 x${round(b.latencyMs.p50 / m.latencyMs.p50)}\n`);
  }
  for (const r of ratios) {
    process.stderr.write(
      `@${r.devices} devices vs mosquitto: edgelens throughput x${r.throughput}, cpu/msg x${r.cpuPerMsg}, p50 x${r.p50Latency}; bare aedes throughput x${r.bareAedesThroughput}, cpu/msg x${r.bareAedesCpuPerMsg}\n`,
    );
  }
}

interface MedianRuns {
  n: number;
  e: Row | undefined;
  m: Row | undefined;
  bare: Row | undefined;
}

/** The report's figures: ours (rules on) and bare aedes against mosquitto, median runs per device count. */
function figuresOf(medians: MedianRuns[]) {
  return medians.flatMap(({ n, e, m, bare }) => {
    if (!e || !m) return [];
    const ours = `Edgelens broker (auth, ACL, validation, ${RULE_COUNT} rules), ${n} devices`;
    const figure = (name: string, r: Row, pick: (r: Row) => number, unit: string, what: string) => ({
      name,
      value: round(pick(r)),
      unit,
      comparedTo: { name: `mosquitto, same load: ${what}`, value: round(pick(m)), unit },
    });
    const rows = [
      figure(`${ours}: msgs/s`, e, (r) => r.msgsPerSec, "msgs/s", "msgs/s"),
      figure(`${ours}: publish -> subscriber p50`, e, (r) => r.latencyMs.p50, "ms", "p50"),
      figure(`${ours}: publish -> subscriber p99`, e, (r) => r.latencyMs.p99, "ms", "p99"),
      figure(`${ours}: broker CPU per message`, e, (r) => r.cpuUsPerMsg, "us", "CPU per message"),
    ];
    if (bare) rows.push(figure(`bare aedes (no hooks), ${n} devices: msgs/s`, bare, (r) => r.msgsPerSec, "msgs/s", "msgs/s"));
    return rows;
  });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
