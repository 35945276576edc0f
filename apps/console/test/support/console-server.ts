/**
 * The real console: `next start` of the one production build of the current sources (built once
 * per source state, see @edgelens/tooling/console-build) on a free port over a test data dir.
 * Several servers share one build folder: `next start` only reads it.
 */
import { ensureConsoleBuild } from "@edgelens/tooling/console-build";
import { childEnv, freePort, startProcess, type ManagedProcess } from "@edgelens/tooling/processes";
import { nextServeArgs } from "../../src/next-serve-args";
import { consoleRoot, nextBin } from "./paths";

export interface ConsoleServer {
  url: string;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

export interface ConsoleServerOptions {
  dataDir: string;
  secret: string;
  brokerUrl?: string;
  wsPort?: number;
  adminEmail: string;
  adminPassword: string;
  /** Names the process in errors. */
  name: string;
  extraEnv?: Record<string, string>;
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  // A no-op when the run's global setup built it already; a build when run some other way.
  const distDir = await ensureConsoleBuild();
  const port = await freePort();
  const proc = startProcess(`console-${o.name}`, process.execPath, [nextBin, ...nextServeArgs("start", { host: "127.0.0.1", port })], {
    cwd: consoleRoot,
    echo: false,
    env: childEnv({
      NEXT_TELEMETRY_DISABLED: "1",
      EDGELENS_DATA_DIR: o.dataDir,
      EDGELENS_SECRET: o.secret,
      EDGELENS_CONSOLE_PORT: String(port),
      EDGELENS_BROKER_URL: o.brokerUrl ?? "mqtt://127.0.0.1:9",
      EDGELENS_WS_PORT: String(o.wsPort ?? 8083),
      EDGELENS_ADMIN_EMAIL: o.adminEmail,
      EDGELENS_ADMIN_PASSWORD: o.adminPassword,
      EDGELENS_NEXT_DIST_DIR: distDir,
      ...o.extraEnv,
    }),
  });
  const stop = async () => {
    await proc.stop();
  };
  try {
    await proc.waitForLine((l) => l.includes('"event":"console-ready"'), 120_000, "the console-ready line");
    return { url: `http://127.0.0.1:${port}`, proc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
