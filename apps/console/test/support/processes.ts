/** Child processes for the console's tests: the repo's process helpers, with a test's shape. */
import type { ChildProcess } from "node:child_process";
import { freePort, startProcess, stopProcesses } from "@edgelens/tooling/processes";

export { freePort };

/** The environment of a test child: only what it needs, never the developer's EDGELENS_* variables. */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Next declares NODE_ENV required on ProcessEnv; children choose their own.
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars } as unknown as NodeJS.ProcessEnv;
}

export interface Child {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line the predicate accepts; rejects if the process exits first. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

/** Own process group (a stop reaches next's workers and ffmpeg), output kept, SIGKILL after 5 s. */
export function startChild(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Child {
  const p = startProcess(command.split("/").at(-1) ?? command, command, args, { cwd: options.cwd, env: childEnv(options.env), echo: false });
  return { child: p.child, output: p.output, waitForLine: p.waitForLine, stop: () => stopProcesses([p], 5000) };
}
