import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { freePort } from "@edgelens/tooling/processes";

/** A broker under test, in its own process so its CPU time can be read from /proc. */
export interface BrokerUnderTest {
  name: string;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** utime + stime of a process, in milliseconds (proc(5), fields 14 and 15). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Spawns `node [nodeArgs] --import tsx <script>` in `cwd` and reads the port from its first stdout
 * line. `nodeArgs`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the broker.
 */
async function startNodeBroker(name: string, cwd: string, script: string, env: Record<string, string>, portOf: (line: Record<string, number>) => number, nodeArgs: string[] = []): Promise<BrokerUnderTest> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { name, pid: child.pid ?? 0, port: portOf(JSON.parse(line) as Record<string, number>), stop: () => stopChild(child) };
}

/** Our broker: `node --import tsx src/main.ts` (not the tsx CLI, which would add a parent process). */
export function startEdgelens(brokerRoot: string, dataDir: string, nodeArgs: string[] = []): Promise<BrokerUnderTest> {
  const env = { EDGELENS_DATA_DIR: dataDir, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_BROKER_LOG_LEVEL: "warn" };
  return startNodeBroker("edgelens", brokerRoot, "src/main.ts", env, (l) => l.mqtt ?? 0, nodeArgs);
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
  const child = spawn(binary, ["-c", conf], { stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(true));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(false)));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("mosquitto did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
  return { name: "mosquitto", pid: child.pid ?? 0, port, stop: () => stopChild(child) };
}
