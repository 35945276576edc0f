/**
 * A fleet of real agent daemons for rollout tests and benches: `edgelens-agent fleet` (many
 * `run` daemons in one process, each with its own device file, data dir, MQTT connection, spool
 * and project sandboxes) started as one child process through the repo's process harness.
 * Apps may not import each other, so this runs the agent by its entry file, never its code.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startNodeEntry, type ExitStatus, type ManagedProcess } from "./processes";

export interface FleetDeviceInput {
  deviceId: string;
  secret: string;
}

export interface FleetOptions {
  repoRoot: string;
  /** Where device files, data dirs and the fleet's files go (one folder per device). */
  dir: string;
  devices: FleetDeviceInput[];
  /** The device files' `brokerUrl` and `consoleUrl`. */
  brokerUrl: string;
  consoleUrl: string;
  /** Daemon settings (the `run` config file's shape), the same for every device. */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** How long all daemons may take to start (default 120 s). */
  startTimeoutMs?: number;
}

export interface AgentFleet {
  proc: ManagedProcess;
  devices: { deviceId: string; dataDir: string; deviceFile: string }[];
  /** SIGTERM: every daemon stops cleanly (offline status, spool kept). */
  stop(): Promise<ExitStatus>;
}

/**
 * Quick settings for tests: fast reconnects and retries, telemetry every 2 s, warnings only
 * (a fleet logs a lot).
 */
export const FLEET_TEST_CONFIG = {
  logLevel: "warn",
  mqtt: { backoffMinMs: 100, backoffMaxMs: 1000, keepaliveS: 10, connectTimeoutMs: 5000 },
  download: { retryDelayMs: 100, attempts: 5, stallTimeoutMs: 20_000 },
  deploy: { firstFrameTimeoutMs: 60_000, cpuThreads: 1 },
  telemetry: { intervalMs: 2000 },
  logs: { level: "warn", ratePerSec: 5, burst: 20 },
};

export async function startAgentFleet(options: FleetOptions): Promise<AgentFleet> {
  mkdirSync(options.dir, { recursive: true });
  const devices = options.devices.map((d) => {
    const home = join(options.dir, d.deviceId);
    mkdirSync(home, { recursive: true });
    const deviceFile = join(home, "edgelens-device.json");
    writeFileSync(deviceFile, JSON.stringify({ deviceId: d.deviceId, secret: d.secret, brokerUrl: options.brokerUrl, consoleUrl: options.consoleUrl }, null, 2));
    return { deviceId: d.deviceId, deviceFile, dataDir: join(home, "data") };
  });
  const fleetFile = join(options.dir, "fleet.json");
  writeFileSync(fleetFile, JSON.stringify(devices.map(({ deviceFile, dataDir }) => ({ deviceFile, dataDir }))));
  const configFile = join(options.dir, "fleet-config.json");
  writeFileSync(configFile, JSON.stringify(options.config ?? FLEET_TEST_CONFIG));
  const cli = join(options.repoRoot, "apps/agent/src/cli.ts");
  const proc = startNodeEntry("fleet", cli, ["fleet", "--devices", fleetFile, "--config", configFile], {
    cwd: options.repoRoot,
    env: options.env ?? process.env,
    echo: false,
  });
  await proc.waitForLine((l) => l.startsWith('{"event":"started"'), options.startTimeoutMs ?? 120_000, "the fleet's started line").catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return { proc, devices, stop: () => proc.stop(20_000) };
}
