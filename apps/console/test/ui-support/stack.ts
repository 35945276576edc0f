/**
 * The real stack for the UI tests: broker child process and `next start` console over one temp
 * data dir (the console's own test support starts both); stop() ends both and removes the dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker, type BrokerProcess } from "../support/broker";
import { startConsoleServer, type ConsoleServer } from "../support/console-server";

export const ADMIN = { email: "admin@e2e.local", password: "admin-e2e-password" };
export const SECRET = "e2e-ui-secret-0123456789abcdef";

export interface UiStack {
  dataDir: string;
  workDir: string;
  broker: BrokerProcess;
  console: ConsoleServer;
  stop(): Promise<void>;
}

export async function startUiStack(name: string): Promise<UiStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `edgelens-${name}-data-`));
  const workDir = mkdtempSync(join(tmpdir(), `edgelens-${name}-work-`));
  const cleanup = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  };
  let broker: BrokerProcess | undefined;
  try {
    broker = await startBroker(dataDir, SECRET);
    const server = await startConsoleServer({
      dataDir,
      secret: SECRET,
      brokerUrl: broker.mqttUrl,
      wsPort: broker.wsPort,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      name,
    });
    const b = broker;
    return {
      dataDir,
      workDir,
      broker: b,
      console: server,
      async stop() {
        // Both stop even if one of them fails to; the temp dirs go in any case.
        const results = await Promise.allSettled([server.stop(), b.stop()]);
        cleanup();
        const failed = results.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
      },
    };
  } catch (err) {
    await broker?.stop();
    cleanup();
    throw err;
  }
}
