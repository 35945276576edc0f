import { parseBrokerConfig, type BrokerConfig } from "./config";

/** The only place in the broker that reads `process.env`; validated once. */
let cached: BrokerConfig | undefined;

export function brokerEnv(): BrokerConfig {
  cached ??= parseBrokerConfig(process.env);
  return cached;
}
