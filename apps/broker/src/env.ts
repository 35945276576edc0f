import { resolveDataDir } from "@edgelens/db/data-dir";
import { parseBrokerConfig, type BrokerConfig } from "./config";

/** The only place in the broker that reads `process.env`; validated once. */
let cached: BrokerConfig | undefined;

export function brokerEnv(): BrokerConfig {
  if (!cached) {
    const config = parseBrokerConfig(process.env);
    cached = { ...config, dataDir: resolveDataDir(config.dataDir) };
  }
  return cached;
}
