/** A service context on a fresh data dir in the OS temp folder (real SQLite file, real artifacts folder). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConsoleConfig } from "../../src/env";
import { closeContext, createContext } from "../../src/server/build-context";
import type { ServiceContext } from "../../src/server/context";

export interface TempContext {
  ctx: ServiceContext;
  dir: string;
  cleanup(): Promise<void>;
}

export const TEST_SECRET = "test-secret-0123456789abcdef";

/** Without a broker URL the context points at a closed port and publishes fail fast. */
export function tempContext(env: Record<string, string> = {}): TempContext {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-console-"));
  const config = loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9", ...env });
  const ctx = createContext(config, { mqttConnectTimeoutMs: 1500 });
  return {
    ctx,
    dir,
    async cleanup() {
      await closeContext(ctx);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
