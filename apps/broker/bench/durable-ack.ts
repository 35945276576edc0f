/**
 * What durable acknowledgement costs (issue 14.3): the load of broker-vs-mosquitto.ts (devices
 * publishing ~300-byte results at QoS 1, one in flight each, one subscriber) against our broker
 * with EDGELENS_BROKER_DURABLE_ACK=1 and =0, each on its own data dir, runs alternating. Two rule
 * sets: the bench's ten rules (one stores 1 result in 500), and the same plus a `store` rule on
 * every result (every PUBACK then waits for a commit). Reports msgs/s, publish->PUBACK p50/p99,
 * publish->subscriber p50 and the cost (throughput lost, p50 PUBACK latency added).
 *
 *   pnpm --filter @edgelens/broker exec tsx bench/durable-ack.ts [--messages 10000] [--devices 100] [--rounds 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dataPaths, openDatabase, rules } from "@edgelens/db";
import { runLoad, type LoadResult } from "./support/load";
import { startEdgelens, type BrokerUnderTest } from "./support/processes";
import { BENCH_SECRET, deviceName, seedBench } from "./support/seed";

const brokerRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    devices: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
  },
});
const messages = Number(args.messages);
const deviceCount = Number(args.devices);
const rounds = Number(args.rounds);
for (const [flag, n] of [["--messages", messages], ["--devices", deviceCount], ["--rounds", rounds]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}
const PHASE_TIMEOUT_MS = 120_000;

type Mode = "durable" | "ack-on-receipt";
type RuleSet = "10 rules" | "10 rules + store all";

async function seed(dir: string, ruleSet: RuleSet) {
  const admin = await seedBench(dir, deviceCount);
  if (ruleSet === "10 rules + store all") {
    const handle = openDatabase(dataPaths(dir).dbFile);
    handle.db.insert(rules).values({ id: "store-all", name: "store-all", sql: "SELECT seq FROM 'edgelens/devices/+/infer'", actions: [{ type: "store", snapshot: false }], updatedAt: Date.now() }).run();
    handle.close();
  }
  return admin;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "edgelens-bench-durable-"));
  const results: { ruleSet: RuleSet; mode: Mode; runs: LoadResult[] }[] = [];
  try {
    for (const ruleSet of ["10 rules", "10 rules + store all"] as const) {
      const brokers: [Mode, BrokerUnderTest, { username: string; password: string }][] = [];
      try {
        for (const mode of ["durable", "ack-on-receipt"] as const) {
          const dir = join(work, `${ruleSet.replace(/\W+/g, "-")}-${mode}`);
          const admin = await seed(dir, ruleSet);
          brokers.push([mode, await startEdgelens(brokerRoot, dir, [], { env: { EDGELENS_BROKER_DURABLE_ACK: mode === "durable" ? "1" : "0" }, name: `edgelens-${mode}` }), admin]);
        }
        for (const [mode] of brokers) results.push({ ruleSet, mode, runs: [] });
        for (let r = 0; r < rounds; r++) {
          for (const [mode, broker, admin] of brokers) {
            const run = await runLoad(
              `mqtt://127.0.0.1:${broker.port}`,
              Array.from({ length: deviceCount }, (_, i) => ({ clientId: deviceName(i), username: deviceName(i), password: BENCH_SECRET })),
              { clientId: `bench-admin-${mode}-${r}`, ...admin },
              Math.max(1, Math.round(messages / deviceCount)),
              PHASE_TIMEOUT_MS,
            );
            results.find((x) => x.ruleSet === ruleSet && x.mode === mode)?.runs.push(run);
            process.stderr.write(`${ruleSet}, ${mode}, round ${r + 1}: ${round(run.msgsPerSec)} msgs/s, PUBACK p50 ${round(run.ackLatencyMs.p50)} ms\n`);
          }
        }
      } finally {
        for (const [, broker] of brokers) await broker.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const summary = results.map(({ ruleSet, mode, runs }) => ({
    ruleSet,
    mode,
    msgsPerSec: round(median(runs.map((r) => r.msgsPerSec))),
    ackP50Ms: round(median(runs.map((r) => r.ackLatencyMs.p50))),
    ackP99Ms: round(median(runs.map((r) => r.ackLatencyMs.p99))),
    deliveryP50Ms: round(median(runs.map((r) => r.latencyMs.p50))),
    received: runs.map((r) => `${r.received}/${r.sent}`),
  }));
  const cost = (["10 rules", "10 rules + store all"] as const).map((ruleSet) => {
    const on = summary.find((s) => s.ruleSet === ruleSet && s.mode === "durable");
    const off = summary.find((s) => s.ruleSet === ruleSet && s.mode === "ack-on-receipt");
    return {
      ruleSet,
      throughputLostPct: on && off ? round((100 * (off.msgsPerSec - on.msgsPerSec)) / off.msgsPerSec) : null,
      ackP50AddedMs: on && off ? round(on.ackP50Ms - off.ackP50Ms) : null,
    };
  });
  process.stdout.write(`${JSON.stringify({ bench: "durable-ack", setup: { messagesPerRun: messages, devices: deviceCount, rounds, qos: 1, inflightPerDevice: 1 }, summary, cost }, null, 2)}\n`);
  for (const c of cost) process.stderr.write(`${c.ruleSet}: durable acks cost ${c.throughputLostPct}% of msgs/s and add ${c.ackP50AddedMs} ms to the PUBACK p50\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
