/**
 * The service context every service takes: config, database, secret, MQTT and in-memory
 * registries. Types only, so a service can import it without importing the code that builds
 * one (build-context.ts for the CLI and tests, get-context.ts for the Next server), the
 * broker's services.ts / build-services.ts split.
 */
import type { DataPaths, DatabaseHandle, EdgelensDb } from "@edgelens/db";
import type { ConsoleConfig } from "../env";
import type { InferCounter } from "./live/infer-counter";
import type { ConsolePublisher } from "./mqtt/console-client";
import type { JobRegistry } from "./services/job-registry";

export interface ServiceContext {
  config: ConsoleConfig;
  paths: DataPaths;
  db: EdgelensDb;
  handle: DatabaseHandle;
  secret: string;
  mqtt: ConsolePublisher;
  jobs: JobRegistry;
  live: InferCounter;
  /** deviceId -> {secretHash, secret digest, until}: artifact downloads verify without scrypt each time. */
  deviceAuthCache: Map<string, { secretHash: string; digest: string; until: number }>;
}
