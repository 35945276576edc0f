/** Child processes for tests: own process group, captured output, an orderly stop. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

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

export function startChild(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Child {
  const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const lineListeners = new Set<(line: string) => void>();
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    out += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) for (const l of lineListeners) l(line);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
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
        const onExit = (code: number | null) => done(new Error(`${command} exited (${code}) before it was ready:\n${out}`));
        const timer = setTimeout(() => done(new Error(`${command} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
        lineListeners.add(listener);
        child.once("exit", onExit);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // The group is already gone.
        }
      };
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port that was free a moment ago (next dev needs a number up front). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
