import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DeviceFile } from "@edgelens/shared/schemas";
import type { DaemonConfigInput } from "../../src/daemon/daemon-config";
import { signalProcess, startNodeEntry, startProcess, type ExitStatus, type ManagedProcess } from "@edgelens/tooling/processes";
import { REPO_ROOT } from "./repo-root";

export interface StartedEvent {
  event: "started";
  deviceId: string;
  stream: string | null;
  pid: number;
  dataDir: string;
}

export interface AgentProcess {
  proc: ManagedProcess;
  started: StartedEvent;
  /** SIGTERM: the agent says offline and stops cleanly. */
  stop(): Promise<number | string>;
  kill9(): Promise<number | string>;
}

const CLI = join(REPO_ROOT, "apps/agent/src/cli.ts");

const codeOrSignal = (s: ExitStatus): number | string => s.code ?? s.signal ?? -1;

export function writeDeviceFile(dir: string, device: DeviceFile): string {
  const path = join(dir, "edgelens-device.json");
  writeFileSync(path, JSON.stringify(device, null, 2));
  return path;
}

/** Settings that keep tests quick: fast reconnects and retries, frequent telemetry, a free stream port. */
export const FAST_CONFIG: Omit<DaemonConfigInput, "deviceFile" | "dataDir"> = {
  mqtt: { backoffMinMs: 100, backoffMaxMs: 500, keepaliveS: 10, connectTimeoutMs: 3000 },
  download: { retryDelayMs: 50, attempts: 3, stallTimeoutMs: 10_000 },
  deploy: { firstFrameTimeoutMs: 30_000 },
  telemetry: { intervalMs: 1000 },
  logs: { level: "info", ratePerSec: 50, burst: 100 },
  stream: { port: 0 },
};

/**
 * `edgelens-agent run` as a child process (one node process: kill -9 is real), started with a
 * config file; resolves at its `started` line.
 */
export async function startAgent(opts: {
  deviceFile: string;
  dataDir: string;
  config?: Omit<DaemonConfigInput, "deviceFile" | "dataDir">;
  env?: Record<string, string>;
  /** A production bundle's cli.js (scripts/bundle.ts) to run with plain node instead of the TypeScript source. */
  bundledCli?: string;
}): Promise<AgentProcess> {
  const configFile = join(opts.dataDir, "..", `agent-config-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.json`);
  writeFileSync(configFile, JSON.stringify(opts.config ?? FAST_CONFIG));
  const args = ["run", "--device-file", opts.deviceFile, "--data-dir", opts.dataDir, "--config", configFile];
  const how = { cwd: REPO_ROOT, env: { ...process.env, ...opts.env }, echo: false };
  const proc = opts.bundledCli ? startProcess("agent", process.execPath, [opts.bundledCli, ...args], how) : startNodeEntry("agent", CLI, args, how);
  const line = await proc.waitForLine((l) => l.startsWith('{"event":"started"'), 60_000, "the started line").catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  const started = JSON.parse(line) as StartedEvent;
  return {
    proc,
    started,
    stop: async () => codeOrSignal(await proc.stop(10_000)),
    kill9: async () => {
      signalProcess(proc, "SIGKILL");
      return codeOrSignal(await proc.exitStatus);
    },
  };
}
