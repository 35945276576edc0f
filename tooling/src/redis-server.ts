/**
 * A real redis-server (Debian's package) for tests and benches: loopback, a free port, no disk
 * persistence, its own temp dir; stop() ends it and removes the dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startProcess, type ManagedProcess } from "./processes";

export interface RedisServer {
  url: string;
  port: number;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

export async function startRedisServer(binary = "redis-server"): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-redis-"));
  const port = await freePort();
  const proc = startProcess("redis", binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { echo: false });
  try {
    await proc.waitForLine((l) => l.includes("Ready to accept connections"), 20_000, "redis-server ready");
  } catch (err) {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
