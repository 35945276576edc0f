import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root: children run from here so `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface TsChild {
  child: ChildProcess;
  /** stdout and stderr lines so far (both kept for failure messages). */
  lines: string[];
  /** Resolves with the first stdout line `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  kill9(): Promise<number | string>;
}

/**
 * Runs a TypeScript entry point in ONE node process (`node --import tsx file`), so a SIGKILL
 * really kills it (the tsx CLI would leave its child behind).
 */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): TsChild {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const onLine = (line: string, fromStdout: boolean): void => {
    lines.push(line);
    if (lines.length > 2000) lines.shift();
    if (!fromStdout) return;
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout! }).on("line", (l) => onLine(l, true));
  createInterface({ input: child.stderr! }).on("line", (l) => onLine(l, false));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  let done = false;
  void exited.then(() => (done = true));

  return {
    child,
    lines,
    exited,
    waitForLine(match, timeoutMs = 60_000, what = "line") {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} from ${entry} in ${timeoutMs} ms; output:\n${lines.slice(-40).join("\n")}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${entry} exited (${code}) before ${what}; output:\n${lines.slice(-40).join("\n")}`));
        });
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
    async stop(graceMs = 5000) {
      if (done) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (!done) child.kill("SIGKILL");
      return exited;
    },
  };
}
