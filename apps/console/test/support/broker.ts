/** The real broker (`tsx apps/broker/src/main.ts`) on ephemeral ports over a test data dir. */
import { existsSync } from "node:fs";
import { startChild, type Child } from "./processes";
import { repoRoot, tsxBin } from "./paths";

export interface BrokerProcess {
  mqttUrl: string;
  wsPort: number;
  httpPort: number;
  proc: Child;
  stop(): Promise<void>;
}

export const brokerEntry = `${repoRoot}apps/broker/src/main.ts`;

export function brokerAvailable(): boolean {
  return existsSync(brokerEntry);
}

export async function startBroker(dataDir: string, secret: string): Promise<BrokerProcess> {
  const proc = startChild(tsxBin, [brokerEntry], {
    cwd: repoRoot,
    env: { EDGELENS_DATA_DIR: dataDir, EDGELENS_SECRET: secret, EDGELENS_MQTT_PORT: "0", EDGELENS_WS_PORT: "0", EDGELENS_BROKER_HTTP_PORT: "0", EDGELENS_HOST: "127.0.0.1" },
  });
  try {
    const line = await proc.waitForLine((l) => l.includes('"event":"listening"'), 60_000);
    const ready = JSON.parse(line.slice(line.indexOf("{"))) as { mqtt: number; ws: number; http: number };
    return { mqttUrl: `mqtt://127.0.0.1:${ready.mqtt}`, wsPort: ready.ws, httpPort: ready.http, proc, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
