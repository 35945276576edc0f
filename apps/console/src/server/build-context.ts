/** Builds and closes a service context; the Next server keeps one per process (get-context.ts), the CLI and tests build their own. */
import { dataPaths, loadOrCreateSecret, migrateDatabase, openDatabase } from "@edgelens/db";
import type { ConsoleConfig } from "../env";
import type { ServiceContext } from "./context";
import { InferCounter } from "./live/infer-counter";
import { createConsoleMqtt, type ConsolePublisher } from "./mqtt/console-client";
import { JobRegistry } from "./services/job-registry";

export interface ContextOptions {
  mqtt?: ConsolePublisher;
  /** How long a publish waits for the broker before failing (default 5 s). */
  mqttConnectTimeoutMs?: number;
}

export function createContext(config: ConsoleConfig, options: ContextOptions = {}): ServiceContext {
  const paths = dataPaths(config.dataDir);
  const handle = openDatabase(paths.dbFile);
  migrateDatabase(handle);
  const secret = loadOrCreateSecret(paths, config.secret);
  return {
    config,
    paths,
    db: handle.db,
    handle,
    secret,
    mqtt: options.mqtt ?? createConsoleMqtt({ url: config.brokerUrl, secret, connectTimeoutMs: options.mqttConnectTimeoutMs ?? 5000 }),
    jobs: new JobRegistry(handle.db),
    live: new InferCounter(),
    deviceAuthCache: new Map(),
  };
}

export async function closeContext(ctx: ServiceContext): Promise<void> {
  await ctx.mqtt.close();
  ctx.handle.close();
}
