import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BROKER_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TSX = join(BROKER_ROOT, "..", "..", "node_modules", ".bin", "tsx");

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line (bounded; rejects if the process exits first). */
  firstLine(timeoutMs?: number): Promise<string>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `tsx <script>` in apps/broker with only the given environment (plus PATH/HOME). */
export function spawnTsx(script: string, env: Record<string, string>): Child {
  const proc = spawn(TSX, [script], { cwd: BROKER_ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    firstLine: (timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no stdout line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const check = () => {
          const nl = out.indexOf("\n");
          if (nl >= 0) {
            clearTimeout(timer);
            resolve(out.slice(0, nl));
          }
        };
        proc.stdout?.on("data", check);
        void exit.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before printing a line; stderr: ${err}`));
        });
        check();
      }),
  };
}
