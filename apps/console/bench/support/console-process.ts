/**
 * The console for the page benchmark: `next start` of a production build when one is at least as
 * new as every source file it compiles, else a fresh `next build` into its own folder first
 * (`.next/bench`, so other work's `.next` stays as it is); `next dev` when asked, or when there
 * is no fresh build and building is not allowed (quick runs: the first hit of each page compiles,
 * warm-up requests absorb it). Own process group, stopped with its workers.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, consoleRoot, nextBin } from "../../test/support/paths";
import { freePort, startChild, type Child } from "../../test/support/processes";

export interface ConsoleEnv {
  dataDir: string;
  secret: string;
  adminEmail: string;
  adminPassword: string;
}

export interface RunningConsole {
  url: string;
  /** How it was started, for the report ("next start (build …)", "next dev"). */
  mode: string;
  buildSeconds: number | null;
  output(): string;
  stop(): Promise<void>;
}

const SOURCES = ["apps/console/src", "apps/console/next.config.ts", "packages/shared/src", "packages/db/src", "packages/vision/src"];
const BENCH_DIST = ".next/bench";
const READY_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 600_000;

function newestMtimeMs(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => (name === "node_modules" ? m : Math.max(m, newestMtimeMs(join(path, name)))), st.mtimeMs);
}

/** The production build folder to start: one whose BUILD_ID is newer than the sources, or null. */
function freshBuild(): string | null {
  const sources = Math.max(...SOURCES.map((s) => newestMtimeMs(join(repoRoot, s))));
  for (const dist of [".next", BENCH_DIST]) {
    const id = join(consoleRoot, dist, "BUILD_ID");
    if (existsSync(id) && statSync(id).mtimeMs >= sources) return dist;
  }
  return null;
}

function nextEnv(env: ConsoleEnv, port: number, dist: string): Record<string, string> {
  return {
    NEXT_TELEMETRY_DISABLED: "1",
    EDGELENS_DATA_DIR: env.dataDir,
    EDGELENS_SECRET: env.secret,
    EDGELENS_CONSOLE_PORT: String(port),
    // No broker in this benchmark: publishes fail fast, the live counters stay empty.
    EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9",
    EDGELENS_ADMIN_EMAIL: env.adminEmail,
    EDGELENS_ADMIN_PASSWORD: env.adminPassword,
    ...(dist === ".next" ? {} : { EDGELENS_NEXT_DIST_DIR: dist }),
  };
}

type Track = (stop: () => Promise<void>) => void;

async function build(log: (line: string) => void, track: Track): Promise<number> {
  log(`no production build newer than the sources: next build into apps/console/${BENCH_DIST} (about 95 s on 2 idle cores)`);
  const started = performance.now();
  const proc = startChild(process.execPath, [nextBin, "build"], { cwd: consoleRoot, env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", EDGELENS_NEXT_DIST_DIR: BENCH_DIST } });
  track(() => proc.stop());
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => void proc.stop(), BUILD_TIMEOUT_MS);
    proc.child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${proc.output().slice(-4000)}`);
  return (performance.now() - started) / 1000;
}

async function waitHealthy(url: string, proc: Child): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`the console exited (${proc.child.exitCode}) before it was ready:\n${proc.output().slice(-4000)}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the console was not healthy after ${READY_TIMEOUT_MS / 1000} s:\n${proc.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts the console (building it first when needed). `track` receives the stop of every child
 * started (the build too), so an interrupted benchmark can stop them; `stop` of the result must be
 * called when done.
 */
export async function startBenchConsole(env: ConsoleEnv, options: { dev: boolean; build: boolean; log: (line: string) => void; track: Track }): Promise<RunningConsole> {
  let dist = options.dev ? null : freshBuild();
  let buildSeconds: number | null = null;
  if (!options.dev && dist === null && options.build) {
    buildSeconds = await build(options.log, options.track);
    dist = BENCH_DIST;
  }
  const port = await freePort();
  const command = dist === null ? "dev" : "start";
  const distDir = dist ?? `${BENCH_DIST}-dev`;
  const proc = startChild(process.execPath, [nextBin, command, "-H", "127.0.0.1", "-p", String(port)], { cwd: consoleRoot, env: nextEnv(env, port, distDir) });
  options.track(() => proc.stop());
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, proc);
  const mode =
    dist === null
      ? "next dev (pages compiled on first hit; warm-up requests absorb it)"
      : `next start of the production build in apps/console/${dist}${buildSeconds === null ? " (newer than the sources)" : `, built now in ${buildSeconds.toFixed(0)} s`}`;
  return { url, mode, buildSeconds, output: () => proc.output(), stop: () => proc.stop() };
}
