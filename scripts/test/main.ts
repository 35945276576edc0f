/**
 * `pnpm test`: lint, typecheck and the tests at the same time instead of one after another.
 * vitest needs the sample models first (`pnpm -s models`, cached); lint and typecheck do not, and
 * they run under `nice` so that on 2 cores they take the time vitest leaves, not the other way
 * round. Each line is printed with its step's name; every step runs to the end (one failure
 * does not hide another's), and the exit status is 1 if any failed. Arguments go to vitest.
 */
import { signalProcess, startProcess, type ManagedProcess } from "@edgelens/tooling/processes";

interface Step {
  name: string;
  commands: [string, string[]][];
}

const vitestArgs = process.argv.slice(2);
const steps: Step[] = [
  { name: "lint", commands: [["nice", ["-n", "10", "pnpm", "-s", "lint"]]] },
  { name: "types", commands: [["nice", ["-n", "10", "pnpm", "-s", "typecheck"]]] },
  { name: "vitest", commands: [["pnpm", ["-s", "models"]], ["vitest", ["run", ...vitestArgs]]] },
];

const running = new Set<ManagedProcess>();

/** Runs the step's commands in order; resolves with the failed command's exit code or 0. */
async function runSteps(step: Step): Promise<number> {
  for (const [command, args] of step.commands) {
    const p = startProcess(step.name, command, args, { keepChars: 0 });
    running.add(p);
    const code = await p.exited;
    running.delete(p);
    if (code !== 0) {
      console.log(`${step.name}: \`${[command, ...args].join(" ")}\` exited with ${code ?? "a signal"}`);
      return code ?? 1;
    }
  }
  return 0;
}

// The steps run in their own process groups, so a terminal's Ctrl-C reaches only this process.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    for (const p of running) signalProcess(p, sig);
    process.exitCode = 130;
  });
}

const started = Date.now();
const results = await Promise.all(
  steps.map(async (step) => {
    const code = await runSteps(step);
    return { name: step.name, code, seconds: Math.round((Date.now() - started) / 1000) };
  }),
);
for (const r of results) console.log(`${r.code === 0 ? "ok  " : "FAIL"} ${r.name.padEnd(7)} ${r.seconds} s`);
if (results.some((r) => r.code !== 0)) process.exitCode = 1;
