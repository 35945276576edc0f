/**
 * One benchmark as a child process: `node --import tsx <script> <args> --json <fragment>` in its
 * package folder, in a process group of its own. Its stderr (the human output) is echoed with
 * the bench's name; everything it prints goes to its log file and the tail stays for the report.
 * Past its budget, or when the runner is interrupted, the whole tree gets SIGTERM (benches stop
 * their servers), then SIGKILL after a grace period.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { descendants, groupAlive, signalAll } from "./process-tree";
import type { BenchSpec } from "./suite";

const GRACE_MS = 15_000;
const TAIL_LINES = 40;
const LINGER_POLLS = 30;

export interface BenchRun {
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  /** Why it was stopped, when it was: "budget" or "interrupted". */
  stoppedFor: "budget" | "interrupted" | null;
  tail: string[];
  /** Processes of its group still alive after it exited (then killed). */
  leftBehind: boolean;
  command: string;
}

export interface RunningBench {
  done: Promise<BenchRun>;
  /** Stops the whole tree (SIGTERM, then SIGKILL after the grace period). */
  interrupt(): void;
  /** Synchronous last resort on the runner's own exit. */
  killNow(): void;
}

export function startBench(spec: BenchSpec, options: { repoRoot: string; quick: boolean; fragment: string; logFile: string }): RunningBench {
  const args = [...(options.quick ? spec.args.quick : spec.args.full), "--json", options.fragment];
  const cwd = join(options.repoRoot, spec.cwd);
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", spec.script, ...args], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid ?? 0;
  const log = createWriteStream(options.logFile);
  const tail: string[] = [];
  const keep = (line: string) => {
    log.write(`${line}\n`);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stdout! }).on("line", keep);
  createInterface({ input: child.stderr! }).on("line", (line) => {
    keep(line);
    process.stderr.write(`  [${spec.name}] ${line}\n`);
  });

  let stoppedFor: BenchRun["stoppedFor"] = null;
  let known: number[] = [];
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (why: "budget" | "interrupted") => {
    if (stoppedFor || child.exitCode !== null || child.signalCode !== null) return;
    stoppedFor = why;
    known = descendants(pid);
    signalAll(pid, known, "SIGTERM");
    graceTimer = setTimeout(() => signalAll(pid, [...new Set([...known, ...descendants(pid)])], "SIGKILL"), GRACE_MS);
  };
  const budget = setTimeout(() => stop("budget"), (options.quick ? spec.budgetS.quick : spec.budgetS.full) * 1000);

  const exited = new Promise<boolean>((resolve) => {
    child.once("exit", () => {
      clearTimeout(budget);
      clearTimeout(graceTimer);
      void (async () => {
        // tsx's esbuild service ends on its own right after its parent; give the group a moment.
        for (let i = 0; i < LINGER_POLLS && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
        // What is still there (it would also hold our pipes open), and after a stop what the
        // bench had started outside its group.
        const leftBehind = groupAlive(pid);
        if (leftBehind || stoppedFor) signalAll(pid, known, "SIGKILL");
        resolve(leftBehind);
      })();
    });
  });
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  const done = Promise.all([exited, closed]).then(([leftBehind, { code, signal }]) => {
    log.end();
    return {
      exitCode: code,
      signal,
      seconds: (performance.now() - started) / 1000,
      stoppedFor,
      tail,
      leftBehind,
      command: `cd ${spec.cwd} && node --import tsx ${spec.script} ${args.join(" ")}`,
    };
  });
  return {
    done,
    interrupt: () => stop("interrupted"),
    killNow: () => signalAll(pid, [...known, ...descendants(pid)], "SIGKILL"),
  };
}
