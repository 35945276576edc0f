/**
 * The console for the page benchmark: `next start` of the production build of the current sources
 * (@edgelens/tooling/console-build: built once per source state, shared with the tests), building
 * it first when allowed; `next dev` when asked, or when there is no build and building is not
 * allowed (quick runs: the first hit of each page compiles, warm-up requests absorb it). Own
 * process group, stopped with its workers.
 */
import { currentConsoleBuild, ensureConsoleBuild } from "@edgelens/tooling/console-build";
import { childEnv, freePort, startProcess, waitForHttp } from "@edgelens/tooling/processes";
import { nextServeArgs } from "../../src/next-serve-args";
import { consoleRoot, nextBin } from "../../test/support/paths";

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
  /** The `next` process (its workers are its descendants). */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const DEV_DIST = ".next/bench-dev";
const READY_TIMEOUT_MS = 180_000;

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
    EDGELENS_NEXT_DIST_DIR: dist,
  };
}

type Track = (stop: () => Promise<void>) => void;

/**
 * Starts the console (building it first when needed). `track` receives the stop of every child
 * started (the build too), so an interrupted benchmark can stop them; `stop` of the result must be
 * called when done.
 */
export async function startBenchConsole(env: ConsoleEnv, options: { dev: boolean; build: boolean; log: (line: string) => void; track: Track }): Promise<RunningConsole> {
  let dist = options.dev ? null : currentConsoleBuild();
  let buildSeconds: number | null = null;
  if (!options.dev && dist === null && options.build) {
    const started = performance.now();
    dist = await ensureConsoleBuild(options.log);
    buildSeconds = (performance.now() - started) / 1000;
  }
  const port = await freePort();
  const command = dist === null ? "dev" : "start";
  const proc = startProcess(`next-${command}`, process.execPath, [nextBin, ...nextServeArgs(command, { host: "127.0.0.1", port })], { cwd: consoleRoot, env: childEnv(nextEnv(env, port, dist ?? DEV_DIST)), echo: false });
  const stop = async () => {
    await proc.stop();
  };
  options.track(stop);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`, READY_TIMEOUT_MS, () => proc.child.exitCode === null).catch((err: Error) => {
    throw new Error(`${err.message}:\n${proc.output().slice(-4000)}`);
  });
  const mode =
    dist === null
      ? "next dev (pages compiled on first hit; warm-up requests absorb it)"
      : `next start of the production build in apps/console/${dist}${buildSeconds === null ? " (of the current sources)" : `, built now in ${buildSeconds.toFixed(0)} s`}`;
  return { url, mode, buildSeconds, pid: proc.child.pid ?? 0, output: () => proc.output(), stop };
}
