/** One console server over a temp data dir, with an admin client signed in by API token. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startConsoleServer, type ConsoleServer } from "./console-server";
import { ApiClient } from "./http-client";
import { TEST_SECRET } from "./temp-context";

export const ADMIN_EMAIL = "admin@test.local";
export const ADMIN_PASSWORD = "admin-password-1";

export interface ConsoleFixture {
  server: ConsoleServer;
  dataDir: string;
  /** Signed in with the session cookie. */
  admin: ApiClient;
  anonymous: ApiClient;
  close(): Promise<void>;
}

export async function startConsoleFixture(name: string, extra: { brokerUrl?: string; wsPort?: number; dataDir?: string } = {}): Promise<ConsoleFixture> {
  const dataDir = extra.dataDir ?? mkdtempSync(join(tmpdir(), `edgelens-${name}-`));
  const server = await startConsoleServer({ dataDir, secret: TEST_SECRET, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, name, ...extra });
  const admin = new ApiClient(server.url);
  const login = await admin.post("/api/v1/session", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (login.status !== 200) {
    await server.stop();
    throw new Error(`admin sign-in failed: ${login.status} ${JSON.stringify(login.body)}\n${server.proc.output()}`);
  }
  return {
    server,
    dataDir,
    admin,
    anonymous: new ApiClient(server.url),
    async close() {
      await server.stop();
      if (!extra.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
