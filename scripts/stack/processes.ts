/** Child processes of the stack: prefixed logs, readiness, and an orderly stop. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const colors = ["\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[32m"];

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each stdout line; used to read the broker's listening line. */
  onStdoutLine?: (line: string) => void;
  /** Print stdout lines with the prefix (stderr always is). */
  echoStdout?: boolean;
}

export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): ManagedProcess {
  const color = colors[name.length % colors.length] ?? "";
  const prefix = `${color}${name.padEnd(8)}\x1b[0m│ `;
  // detached: its own process group, so a stop reaches grandchildren (next's workers, ffmpeg).
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    options.onStdoutLine?.(line);
    if (options.echoStdout !== false) process.stdout.write(`${prefix}${line}\n`);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => process.stdout.write(`${prefix}${line}\n`));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, child, exited };
}

/** Runs a command to completion, echoing its output; rejects with its exit code. */
export async function runStep(name: string, command: string, args: string[], options: StartOptions = {}): Promise<void> {
  const p = startProcess(name, command, args, options);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${command} ${args.join(" ")}`);
}

/** Sends `sig` to the process's whole group (it was started detached), if it still runs. */
export function signalProcess(p: ManagedProcess, sig: NodeJS.Signals): void {
  if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, sig);
  } catch {
    // Already gone: nothing to stop.
  }
}

/**
 * Stops them all at once: every group gets SIGTERM before anything is awaited, so that even if
 * this launcher is itself killed a moment later (a wrapper's own Ctrl-C handling), no child is
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
