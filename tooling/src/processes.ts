/**
 * The one process harness of the repo (launcher, tests, benches): each child in its own process
 * group (a stop reaches grandchildren: next's workers, ffmpeg), output kept and optionally echoed
 * with a name prefix, readiness by stdout line (or HTTP/port, see ./ports), and a stop that cannot
 * leave one behind: SIGTERM, SIGKILL after a bound, and a last SIGKILL when this process exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { bundledEntry } from "./bundle-entries";

export { freePort, isListening, waitForHttp, waitForPort } from "./ports";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** The exit code (null when a signal ended it); like exitStatus, settles once its output is read. */
  exited: Promise<number | null>;
  exitStatus: Promise<ExitStatus>;
  /** Everything it printed so far (stdout and stderr, interleaved by arrival). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the next stdout line `predicate` accepts; rejects with the output tail if it exits or times out first. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number, what?: string): Promise<string>;
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each stdout line; used to read the broker's listening line. */
  onStdoutLine?: (line: string) => void;
  /** Print stdout and stderr lines with the name prefix (the launcher does; tests do not). */
  echo?: boolean;
  /** Keep at most this many characters of output (tests print the tail when something fails). */
  keepChars?: number;
}

const colors = ["\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[32m"];
const TAIL_CHARS = 4000;

// Children run detached (own groups), so nothing else would stop them if this process ended
// without stopping them (a failed hook, a killed test worker that still runs its exit handlers).
const live = new Set<ManagedProcess>();
let exitHookInstalled = false;
function track(p: ManagedProcess): void {
  live.add(p);
  void p.exitStatus.then(() => live.delete(p));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => live.forEach((q) => signalProcess(q, "SIGKILL")));
}

/** The environment of a test child: only what it needs, never the developer's EDGELENS_* variables. */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Next declares NODE_ENV required on ProcessEnv; children choose their own.
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars } as unknown as NodeJS.ProcessEnv;
}

function appendBounded(text: string, line: string, keep: number): string {
  const next = `${text}${line}\n`;
  return next.length > keep ? next.slice(next.length - keep) : next;
}

export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): ManagedProcess {
  const color = colors[name.length % colors.length] ?? "";
  const prefix = `${color}${name.padEnd(8)}\x1b[0m│ `;
  const keep = options.keepChars ?? 200_000;
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  let stdoutText = "";
  let stderrText = "";
  const record = (line: string) => {
    out = appendBounded(out, line, keep);
    if (options.echo !== false) process.stdout.write(`${prefix}${line}\n`);
  };
  const lineListeners = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    stdoutText = appendBounded(stdoutText, line, keep);
    record(line);
    options.onStdoutLine?.(line);
    for (const l of lineListeners) l(line);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrText = appendBounded(stderrText, line, keep);
    record(line);
  });
  // A command that cannot start (ENOENT) emits "error" and no "exit": count it as exited.
  const exitEvent = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (err) => {
      record(`${name}: ${err.message}`);
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
  });
  // Exited and read to the end ("close": its pipes are drained), so output() is complete; a
  // grandchild that holds a pipe open delays that by at most a second.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const exitStatus = exitEvent.then((status) => Promise.race([closed, new Promise<void>((r) => setTimeout(r, 1000).unref())]).then(() => status));
  const tail = () => out.slice(-TAIL_CHARS);
  const p: ManagedProcess = {
    name,
    child,
    exitStatus,
    exited: exitStatus.then((s) => s.code),
    output: () => out,
    stdout: () => stdoutText,
    stderr: () => stderrText,
    waitForLine(predicate, timeoutMs, what = "the line") {
      return new Promise((resolve, reject) => {
        let settled = false;
        const done = (err: Error | null, line?: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          lineListeners.delete(listener);
          if (err) reject(err);
          else resolve(line!);
        };
        const listener = (line: string) => {
          if (predicate(line)) done(null, line);
        };
        const timer = setTimeout(() => done(new Error(`${name}: ${what} not seen after ${timeoutMs} ms; its output:\n${tail()}`)), timeoutMs);
        lineListeners.add(listener);
        void exitStatus.then((s) => done(new Error(`${name} exited (${s.code ?? s.signal}) before ${what}; its output:\n${tail()}`)));
      });
    },
    async stop(graceMs = 5000) {
      signalProcess(p, "SIGTERM");
      const timer = setTimeout(() => signalProcess(p, "SIGKILL"), graceMs);
      const status = await exitStatus;
      clearTimeout(timer);
      return status;
    },
  };
  track(p);
  return p;
}

export interface NodeEntryOptions extends StartOptions {
  /** Node flags before the entry, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

// Resolved from here, so an entry can run from any cwd (the agent beside its device file).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * A TypeScript entry point in ONE node process (`node --import tsx entry`), not through the tsx
 * CLI: that wrapper is a second process, so a SIGTERM or SIGKILL meant for the part reached the
 * wrapper too and cut the part's clean stop short.
 */
export function startNodeEntry(name: string, entry: string, args: string[], options: NodeEntryOptions = {}): ManagedProcess {
  return startProcess(name, process.execPath, nodeEntryArgs(entry, args, options.nodeArgs, options.cwd), options);
}

/**
 * The argv after `node` for a TypeScript entry, for callers that spawn it themselves (a CLI run to
 * completion). In a test run with bundles (bundle-entries.ts), an app's entry runs from its bundle.
 */
export function nodeEntryArgs(entry: string, args: string[], nodeArgs: string[] = [], cwd?: string): string[] {
  const bundled = bundledEntry(entry, cwd);
  return bundled ? [...nodeArgs, bundled, ...args] : [...nodeArgs, "--import", tsxLoader, entry, ...args];
}

/** Runs a command to completion, echoing its output; rejects with its exit code. */
export async function runStep(name: string, command: string, args: string[], options: StartOptions = {}): Promise<void> {
  const p = startProcess(name, command, args, options);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${command} ${args.join(" ")}${options.echo === false ? `\n${p.output().slice(-TAIL_CHARS)}` : ""}`);
}

/** Sends `sig` to the process's whole group (it was started detached), if it still runs. */
export function signalProcess(p: Pick<ManagedProcess, "child">, sig: NodeJS.Signals): void {
  if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, sig);
  } catch {
    // Already gone: nothing to stop.
  }
}

/**
 * Stops them all at once: every group gets SIGTERM before anything is awaited, so that even if
 * the caller is itself killed a moment later (a wrapper's own Ctrl-C handling), no child is
 * left running. Those still alive after `graceMs` get SIGKILL.
 */
export async function stopProcesses(processes: ManagedProcess[], graceMs = 8000): Promise<void> {
  await Promise.all(processes.map((p) => p.stop(graceMs)));
}
