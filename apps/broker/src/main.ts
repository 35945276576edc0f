/**
 * `pnpm -s broker`: validates the environment, migrates the database, starts the broker and
 * prints one JSON line on stdout (`{"event":"listening",...}`) that other processes parse for the
 * ports. Logs go to stderr. SIGINT/SIGTERM close it cleanly (persistence flushed).
 */
import { dataPaths, migrateDatabase, openDatabase } from "@edgelens/db";
import { isEdgelensError } from "@edgelens/shared/errors";
import type { BrokerConfig } from "./config";
import { brokerEnv } from "./env";
import { createLogger, describeError } from "./log";
import { startBroker } from "./server";

function fail(message: string, code: number): never {
  process.stderr.write(`edgelens-broker: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let config: BrokerConfig;
  try {
    config = brokerEnv();
  } catch (err) {
    fail(describeError(err), 2);
  }
  const log = createLogger(config.logLevel);
  const handle = openDatabase(dataPaths(config.dataDir).dbFile);
  try {
    migrateDatabase(handle);
  } finally {
    handle.close();
  }
  const broker = await startBroker(config, { log });
  process.stdout.write(`${JSON.stringify({ event: "listening", mqtt: broker.mqttPort, ws: broker.wsPort, http: broker.httpPort, tls: broker.tlsPort ?? null })}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`second ${signal}: exiting without a clean close`);
      process.exit(1);
    }
    stopping = true;
    log.info("stopping", { signal });
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error(`close failed: ${describeError(err)}`, { code: "INTERNAL" });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => fail(isEdgelensError(err) ? `${err.code}: ${err.message}` : describeError(err), isEdgelensError(err) && err.code === "INVALID_CONFIG" ? 2 : 1));
