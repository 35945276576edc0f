/** The real broker (`apps/broker/src/main.ts`, one node process) on ephemeral ports over a test data dir. */
import { childEnv, startNodeEntry, type ManagedProcess } from "@edgelens/tooling/processes";
import { repoRoot } from "./paths";

export interface BrokerProcess {
  mqttUrl: string;
  wsPort: number;
  httpPort: number;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

export const brokerEntry = `${repoRoot}apps/broker/src/main.ts`;

export async function startBroker(dataDir: string, secret: string): Promise<BrokerProcess> {
  const proc = startNodeEntry("broker", brokerEntry, [], {
    cwd: repoRoot,
    echo: false,
    env: childEnv({ EDGELENS_DATA_DIR: dataDir, EDGELENS_SECRET: secret, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_HOST: "127.0.0.1" }),
  });
  const stop = async () => {
    await proc.stop();
  };
  try {
    const line = await proc.waitForLine((l) => l.includes('"event":"listening"'), 60_000, "the listening line");
    const ready = JSON.parse(line.slice(line.indexOf("{"))) as { mqtt: number; ws: number; http: number };
    return { mqttUrl: `mqtt://127.0.0.1:${ready.mqtt}`, wsPort: ready.ws, httpPort: ready.http, proc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
