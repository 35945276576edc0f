/**
 * The pieces of a whole Edgelens stack for the repo-level tests, started the way the README and
 * the launcher start them: `pnpm -s broker`, `next dev` for the console, `pnpm -s agent run`,
 * and the `pnpm -s edgelens` admin CLI — each on free loopback ports with a fresh data dir.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startProcess, waitForHttp, type ManagedProcess } from "@edgelens/tooling/processes";
import { ensureConsoleBuild } from "../../src/console-build";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface StackPorts {
  console: number;
  mqtt: number;
  ws: number;
  brokerHttp: number;
  /** The agent's local stream server: each stack its own, as tests run beside each other. */
  agentStream: number;
}

export interface StackEnv {
  dataDir: string;
  ports: StackPorts;
  env: NodeJS.ProcessEnv;
  consoleUrl: string;
  brokerUrl: string;
  admin: { email: string; password: string };
  cleanup(): void;
}

/** A fresh data dir and free ports; `env` is all a child gets (never the developer's EDGELENS_*). */
export async function prepareStack(name: string, extra: Record<string, string> = {}): Promise<StackEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), `edgelens-${name}-`));
  const ports: StackPorts = { console: await freePort(), mqtt: await freePort(), ws: await freePort(), brokerHttp: await freePort(), agentStream: await freePort() };
  const admin = { email: "admin@e2e.test", password: `pw-${Math.random().toString(36).slice(2, 12)}` };
  const consoleUrl = `http://127.0.0.1:${ports.console}`;
  const brokerUrl = `mqtt://127.0.0.1:${ports.mqtt}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.EDGELENS_MEDIA_DIR ? { EDGELENS_MEDIA_DIR: process.env.EDGELENS_MEDIA_DIR } : {}),
    EDGELENS_DATA_DIR: dataDir,
    EDGELENS_HOST: "127.0.0.1",
    EDGELENS_CONSOLE_PORT: String(ports.console),
    EDGELENS_MQTT_PORT: String(ports.mqtt),
    EDGELENS_WS_PORT: String(ports.ws),
    EDGELENS_BROKER_HTTP_PORT: String(ports.brokerHttp),
    EDGELENS_BROKER_URL: brokerUrl,
    EDGELENS_CONSOLE_URL: consoleUrl,
    EDGELENS_AGENT_STREAM_PORT: String(ports.agentStream),
    EDGELENS_ADMIN_EMAIL: admin.email,
    EDGELENS_ADMIN_PASSWORD: admin.password,
    // Its own next build folder: other suites run next dev from the same app at the same time.
    EDGELENS_NEXT_DIST_DIR: `.next/test-${name}`,
    ...extra,
  } as unknown as NodeJS.ProcessEnv;
  return { dataDir, ports, env, consoleUrl, brokerUrl, admin, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * One node process, as the production unit runs it: SIGTERM reaches only the broker, which closes
 * cleanly (under `pnpm -s broker` the wrappers get the group's signal too and may cut that short).
 */
export async function startBroker(s: StackEnv): Promise<ManagedProcess> {
  const broker = startProcess("broker", process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: join(repoRoot, "apps/broker"), env: s.env, echo: false });
  await broker.waitForLine((l) => l.includes('"event":"listening"'), 60_000);
  return broker;
}

/**
 * The console as `pnpm -s console` runs it (serve.ts: `next start` on EDGELENS_HOST and
 * EDGELENS_CONSOLE_PORT), on the run's one production build instead of a cold `next dev`.
 */
export async function startConsole(s: StackEnv): Promise<ManagedProcess> {
  const distDir = await ensureConsoleBuild();
  const next = startProcess("console", process.execPath, ["--import", "tsx", "src/serve.ts", "start"], { cwd: join(repoRoot, "apps/console"), env: { ...s.env, EDGELENS_NEXT_DIST_DIR: distDir }, echo: false });
  await waitForHttp(`${s.consoleUrl}/api/health`, 120_000, () => next.child.exitCode === null);
  return next;
}

export function startAgent(s: StackEnv, deviceFile: string, agentDir: string): ManagedProcess {
  return startProcess("agent", "pnpm", ["-s", "agent", "run", "--device-file", deviceFile, "--data-dir", agentDir], { cwd: repoRoot, env: s.env, echo: false });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pnpm -s edgelens <args>` on the stack's data dir; never rejects, the exit code is the answer. */
export function cli(s: StackEnv, args: string[], timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile("pnpm", ["-s", "edgelens", ...args], { cwd: repoRoot, env: s.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like `cli`, but a non-zero exit is a test failure that shows what the command said. */
export async function cliOk(s: StackEnv, args: string[], timeoutMs?: number): Promise<string> {
  const r = await cli(s, args, timeoutMs);
  if (r.code !== 0) throw new Error(`edgelens ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Polls `check` every `everyMs` until it returns a value; the error names `what` and adds `context()`. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, context: () => string = () => "", everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
