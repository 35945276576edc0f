import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childEnv, freePort, startNodeEntry, startProcess, waitForPort, type ManagedProcess } from "@edgelens/tooling/processes";

/** A broker under test, in its own process so its CPU time can be read from /proc. */
export interface BrokerUnderTest {
  name: string;
  pid: number;
  port: number;
  stop(): Promise<void>;
  /** The tail of what it printed (for a report when it exited early). */
  output(): string;
}

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** utime + stime of a process, in milliseconds (proc(5), fields 14 and 15). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory of a process in MiB (VmRSS, 0.1 MiB steps); NaN once the process is gone. */
export function rssMiB(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return Number.NaN;
  }
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : Number.NaN;
}

const stopChild = (p: ManagedProcess) => async () => {
  await p.stop(10_000);
};

/**
 * Runs `node [nodeArgs] --import tsx <script>` in `cwd` and reads the port from its first stdout
 * line. `nodeArgs`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the broker.
 */
async function startNodeBroker(name: string, cwd: string, script: string, env: Record<string, string>, portOf: (line: Record<string, number>) => number, nodeArgs: string[] = []): Promise<BrokerUnderTest> {
  const p = startNodeEntry(name, script, [], { cwd, env: childEnv(env), nodeArgs, echo: false });
  try {
    const line = await p.waitForLine(() => true, 60_000, "its first line");
    return { name, pid: p.child.pid ?? 0, port: portOf(JSON.parse(line) as Record<string, number>), stop: stopChild(p), output: () => p.output() };
  } catch (err) {
    await p.stop();
    throw err;
  }
}

/** Our broker: `node --import tsx src/main.ts` (not the tsx CLI, which would add a parent process). */
export function startEdgelens(brokerRoot: string, dataDir: string, nodeArgs: string[] = [], extra: { name?: string; env?: Record<string, string> } = {}): Promise<BrokerUnderTest> {
  const env = { EDGELENS_DATA_DIR: dataDir, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_BROKER_LOG_LEVEL: "warn", ...extra.env };
  return startNodeBroker(extra.name ?? "edgelens", brokerRoot, "src/main.ts", env, (l) => l.mqtt ?? 0, nodeArgs);
}

/** aedes with defaults and no hooks: separates aedes's own cost from ours. */
export function startBareAedes(brokerRoot: string): Promise<BrokerUnderTest> {
  return startNodeBroker("aedes-bare", brokerRoot, "bench/support/bare-aedes.ts", {}, (l) => l.port ?? 0);
}

/**
 * mosquitto 2 with anonymous access, no persistence and no in-flight/queue caps for the one QoS 1
 * subscriber (its defaults, 20 in flight and 1000 queued, would drop messages under this load).
 */
export async function startMosquitto(binary: string, workDir: string): Promise<BrokerUnderTest> {
  const port = await freePort();
  const conf = join(workDir, "mosquitto.conf");
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "max_inflight_messages 0", "max_queued_messages 0", "log_type error", "log_dest stderr", ""].join("\n"));
  const p = startProcess("mosquitto", binary, ["-c", conf], { echo: false });
  try {
    await waitForPort(port, 10_000, () => p.child.exitCode === null);
  } catch (err) {
    await p.stop();
    throw new Error(`mosquitto did not start: ${(err as Error).message}\n${p.output()}`);
  }
  return { name: "mosquitto", pid: p.child.pid ?? 0, port, stop: stopChild(p), output: () => p.output() };
}
