import { join } from "node:path";
import { startNodeEntry, type ManagedProcess } from "@edgelens/tooling/processes";
import { REPO_ROOT } from "./repo-root";

export interface BrokerPorts {
  mqtt: number;
  ws: number;
  http: number;
}

export interface BrokerProcess {
  dataDir: string;
  ports: BrokerPorts;
  /** `mqtt://127.0.0.1:<port>`: the device file's brokerUrl. */
  url: string;
  proc: ManagedProcess;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data dir (after stop). */
  restart(): Promise<void>;
}

const MAIN = join(REPO_ROOT, "apps/broker/src/main.ts");

async function launch(dataDir: string, ports: BrokerPorts, env: Record<string, string>): Promise<{ proc: ManagedProcess; ports: BrokerPorts }> {
  const proc = startNodeEntry("broker", MAIN, [], {
    cwd: REPO_ROOT,
    echo: false,
    env: {
      ...process.env,
      EDGELENS_DATA_DIR: dataDir,
      EDGELENS_MQTT_PORT: String(ports.mqtt),
      EDGELENS_WS_PORT: String(ports.ws),
      EDGELENS_BROKER_HTTP_PORT: String(ports.http),
      EDGELENS_HOST: "127.0.0.1",
      ...env,
    },
  });
  const line = await proc.waitForLine((l) => l.includes('"listening"'), 60_000, "the listening line").catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  const ev = JSON.parse(line) as { mqtt: number; ws: number; http: number };
  return { proc, ports: { mqtt: ev.mqtt, ws: ev.ws, http: ev.http } };
}

/**
 * The real broker (`apps/broker/src/main.ts`) as a child process on ephemeral loopback ports,
 * with its SQLite file in `dataDir`; ports are parsed from its `listening` line.
 */
export async function startBroker(dataDir: string, env: Record<string, string> = {}): Promise<BrokerProcess> {
  const first = await launch(dataDir, { mqtt: 0, ws: 0, http: 0 }, env);
  const ports = first.ports;
  let proc = first.proc;
  const broker: BrokerProcess = {
    dataDir,
    ports,
    url: `mqtt://127.0.0.1:${ports.mqtt}`,
    get proc() {
      return proc;
    },
    async stop() {
      await proc.stop(5000);
    },
    async restart() {
      ({ proc } = await launch(dataDir, ports, env));
    },
  };
  return broker;
}
