/**
 * The real console: `next dev` on a free port with its own build folder (Next refuses a second
 * dev server on one folder, and other work may run one) over a test data dir.
 */
import { startChild, freePort, type Child } from "./processes";
import { consoleRoot, nextBin } from "./paths";

export interface ConsoleServer {
  url: string;
  proc: Child;
  stop(): Promise<void>;
}

export interface ConsoleServerOptions {
  dataDir: string;
  secret: string;
  brokerUrl?: string;
  wsPort?: number;
  adminEmail: string;
  adminPassword: string;
  /** Build folder under .next/ (git-ignored); one per concurrently running server. */
  name: string;
  extraEnv?: Record<string, string>;
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const port = await freePort();
  const proc = startChild(process.execPath, [nextBin, "dev", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: consoleRoot,
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      EDGELENS_DATA_DIR: o.dataDir,
      EDGELENS_SECRET: o.secret,
      EDGELENS_CONSOLE_PORT: String(port),
      EDGELENS_BROKER_URL: o.brokerUrl ?? "mqtt://127.0.0.1:9",
      EDGELENS_WS_PORT: String(o.wsPort ?? 8083),
      EDGELENS_ADMIN_EMAIL: o.adminEmail,
      EDGELENS_ADMIN_PASSWORD: o.adminPassword,
      EDGELENS_NEXT_DIST_DIR: `.next/test-${o.name}`,
      ...o.extraEnv,
    },
  });
  try {
    await proc.waitForLine((l) => l.includes('"event":"console-ready"'), 120_000);
    return { url: `http://127.0.0.1:${port}`, proc, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
