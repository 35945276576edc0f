/** Loopback ports and HTTP readiness for the harness: free ports up front, polls that are bounded. */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Polls `url` until it answers below 500; fails at once if `isAlive` says the server is gone. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process serving ${url} exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

/** A reservation older than this is stale (its test ended long ago); the port may be taken again. */
const RESERVATION_MS = 30 * 60_000;

/**
 * The ports the kernel hands out for bind(0) (Linux's ip_local_port_range). Ports picked here come
 * from below it, so a broker or agent that binds port 0 in a parallel test can never take a port a
 * console was given but has not bound yet (`next dev` binds tens of seconds later).
 */
function ephemeralStart(): number {
  try {
    const start = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(start) ? start : 0;
  } catch {
    return 0;
  }
}

/**
 * One port per test process at a time across the machine: an exclusive file per port in the temp
 * dir. Without it two parallel suites could be handed the same free port before either bound it.
 */
function reserve(port: number): boolean {
  const dir = join(tmpdir(), "edgelens-port-reservations");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < RESERVATION_MS) return false;
      writeFileSync(file, String(process.pid));
      return true;
    } catch {
      return false;
    }
  }
}

function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A loopback port that is free now and reserved for this caller (next needs a number up front). */
export async function freePort(): Promise<number> {
  const below = ephemeralStart();
  const low = 10_000;
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = below > low + 1000 ? low + Math.floor(Math.random() * (Math.min(below, 32_000) - low)) : await osPort();
    if (!reserve(port)) continue;
    if (!(await isListening(port))) return port;
  }
  throw new Error("no free loopback port after 500 tries");
}

/** Whether something accepts TCP connections on a loopback port right now. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

/** Polls until `port` accepts connections; fails at once if `isAlive` says the server is gone. */
export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening(port))) {
    if (!isAlive()) throw new Error(`process for port ${port} exited before it listened`);
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
