/**
 * Child processes for the stack launcher and the repo-level tests: each child in its own process
 * group (a stop reaches grandchildren: next's workers, ffmpeg), output kept and optionally echoed
 * with a name prefix, readiness by stdout line or HTTP, and a stop that cannot leave one behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything it printed so far (stdout and stderr, interleaved by arrival). */
  output(): string;
  /** Resolves with the first stdout line `predicate` accepts; rejects if it exits or times out first. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number): Promise<string>;
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

export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): ManagedProcess {
  const color = colors[name.length % colors.length] ?? "";
  const prefix = `${color}${name.padEnd(8)}\x1b[0m│ `;
  const keep = options.keepChars ?? 200_000;
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const record = (line: string) => {
    out += `${line}\n`;
    if (out.length > keep) out = out.slice(out.length - keep);
    if (options.echo !== false) process.stdout.write(`${prefix}${line}\n`);
  };
  const lineListeners = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    record(line);
    options.onStdoutLine?.(line);
    for (const l of lineListeners) l(line);
  });
  createInterface({ input: child.stderr! }).on("line", record);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    output: () => out,
    waitForLine(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const done = (err: Error | null, line?: string) => {
          clearTimeout(timer);
          lineListeners.delete(listener);
          child.off("exit", onExit);
          if (err) reject(err);
          else resolve(line!);
        };
        const listener = (line: string) => {
          if (predicate(line)) done(null, line);
        };
        const onExit = (code: number | null) => done(new Error(`${name} exited (${code}) before the line came:\n${out.slice(-4000)}`));
        const timer = setTimeout(() => done(new Error(`${name}: line not seen after ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs);
        lineListeners.add(listener);
        if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode);
        else child.once("exit", onExit);
      });
    },
  };
}

/** Runs a command to completion, echoing its output; rejects with its exit code. */
export async function runStep(name: string, command: string, args: string[], options: StartOptions = {}): Promise<void> {
  const p = startProcess(name, command, args, options);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${command} ${args.join(" ")}${options.echo === false ? `\n${p.output().slice(-4000)}` : ""}`);
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
  for (const p of processes) signalProcess(p, "SIGTERM");
  const timer = setTimeout(() => processes.forEach((p) => signalProcess(p, "SIGKILL")), graceMs);
  await Promise.all(processes.map((p) => p.exited));
  clearTimeout(timer);
}

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

/** A loopback port that was free a moment ago (next needs a number up front). */
export function freePort(): Promise<number> {
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

/** Whether something accepts TCP connections on a loopback port right now. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}
