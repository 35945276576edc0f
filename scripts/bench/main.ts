/**
 * `pnpm bench`: every benchmark of the repository, one after another, each a child process of
 * this one (suite.ts), merged into `bench-results/report.json` with the machine's facts and a
 * short table (also `bench-results/table.txt`). A failing bench is reported with its error tail
 * and the others still run; the exit status is then 1 (130 when interrupted).
 *
 *   pnpm bench [--quick] [--only model-runtime,broker,...] [--out bench-results]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { describeMachine, loadNow, parseFragment, type BenchEntry } from "./report";
import { startBench, type BenchRun, type RunningBench } from "./run-bench";
import { SUITE, type BenchSpec } from "./suite";
import { renderTable } from "./table";

const REPEAT_WINDOW_MS = 2000;
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const USAGE = `Usage: pnpm bench [--quick] [--only NAME,...] [--out DIR]
  --quick       short versions of every bench (fewer iterations), a few minutes in all
  --only        run these benches: ${SUITE.map((s) => s.name).join(", ")}
  --out         where report.json, table.txt, logs/ and fragments/ go (default bench-results)`;

function readCommandLine(): { quick: boolean; selected: BenchSpec[]; outDir: string } {
  let values;
  try {
    ({ values } = parseArgs({ options: { quick: { type: "boolean", default: false }, only: { type: "string" }, out: { type: "string", default: "bench-results" }, help: { type: "boolean", short: "h", default: false } } }));
  } catch (err) {
    console.error(`pnpm bench: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const names = values.only?.split(",").map((s) => s.trim()).filter(Boolean) ?? SUITE.map((s) => s.name);
  const unknown = names.filter((n) => !SUITE.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`pnpm bench: unknown bench ${unknown.join(", ")}\n${USAGE}`);
    process.exit(2);
  }
  return { quick: values.quick, selected: SUITE.filter((s) => names.includes(s.name)), outDir: resolve(repoRoot, values.out) };
}

/** Why a run produced no figures, or its figures. */
function entryOf(spec: BenchSpec, run: BenchRun, fragment: string, quick: boolean): Pick<BenchEntry, "status" | "figures" | "details" | "error"> {
  const failed = (message: string) => ({ status: "failed" as const, figures: [], error: { message, tail: run.tail } });
  if (run.stoppedFor === "budget") return failed(`stopped: exceeded its budget of ${quick ? spec.budgetS.quick : spec.budgetS.full} s`);
  if (run.stoppedFor === "interrupted") return failed("stopped: the runner was interrupted");
  if (run.exitCode !== 0) return failed(run.signal ? `killed by ${run.signal}` : `exited with status ${run.exitCode}`);
  if (!existsSync(fragment)) return failed("exited 0 but wrote no --json fragment");
  try {
    return { status: "ok", ...parseFragment(readFileSync(fragment, "utf8"), spec.name) };
  } catch (err) {
    return failed((err as Error).message);
  }
}

const { quick, selected, outDir } = readCommandLine();
for (const dir of ["fragments", "logs"]) {
  rmSync(join(outDir, dir), { recursive: true, force: true });
  mkdirSync(join(outDir, dir), { recursive: true });
}
const machine = describeMachine(repoRoot);
const report = {
  suite: "pnpm bench",
  mode: quick ? "quick" : "full",
  machine,
  loadavg: { start: loadNow(), end: [] as number[] },
  howToRead:
    "Each figure: value in unit, compared against comparedTo (measured in the same run unless its name says otherwise); ratio = value / comparedTo.value; target applies to the value or to the ratio; met says whether it holds. loadavg: 1, 5 and 15 minute load averages (the machine may be shared).",
  benches: [] as BenchEntry[],
};
const writeReport = () => writeFileSync(join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);

let current: RunningBench | null = null;
let interrupted = false;
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    // One Ctrl-C can arrive twice: from the terminal and relayed by the tsx CLI above us.
    if (interrupted && Date.now() - firstSignalAt < REPEAT_WINDOW_MS) return;
    if (interrupted) {
      current?.killNow();
      process.exit(130);
    }
    interrupted = true;
    firstSignalAt = Date.now();
    console.error(`pnpm bench: ${signal}: stopping the running bench (again to kill it at once)`);
    current?.interrupt();
  });
}
process.on("exit", () => current?.killNow());

console.error(`pnpm bench (${report.mode}): ${selected.map((s) => s.name).join(", ")}; ${machine.cpus} cpus, load ${report.loadavg.start.join(" ")}`);
for (const spec of selected) {
  const base = { name: spec.name, about: spec.about };
  if (interrupted) {
    report.benches.push({ ...base, command: "", status: "skipped", seconds: 0, loadavg: { start: [], end: [] }, figures: [], error: { message: "not run: interrupted", tail: [] } });
    continue;
  }
  console.error(`\n== ${spec.name}: ${spec.about}`);
  const start = loadNow();
  const fragment = join(outDir, "fragments", `${spec.name}.json`);
  current = startBench(spec, { repoRoot, quick, fragment, logFile: join(outDir, "logs", `${spec.name}.log`) });
  const run = await current.done;
  current = null;
  const entry: BenchEntry = { ...base, command: run.command, seconds: Math.round(run.seconds), loadavg: { start, end: loadNow() }, ...entryOf(spec, run, fragment, quick) };
  if (run.leftBehind) entry.warning = "left processes in its process group after exiting (killed)";
  console.error(`== ${spec.name}: ${entry.status}${entry.error ? ` (${entry.error.message})` : ""}${entry.warning ? ` (${entry.warning})` : ""} in ${entry.seconds} s`);
  report.benches.push(entry);
  writeReport();
}
report.loadavg.end = loadNow();
writeReport();
const table = renderTable(report.benches);
writeFileSync(join(outDir, "table.txt"), `${table}\n`);
console.log(`\n${table}\n`);
console.log(`report: ${join(outDir, "report.json")} (${report.mode}; load ${report.loadavg.start.join(" ")} -> ${report.loadavg.end.join(" ")}; commit ${machine.git.commit?.slice(0, 12) ?? "unknown"}${machine.git.dirty ? ", uncommitted changes" : ""})`);
const failed = report.benches.filter((b) => b.status !== "ok").map((b) => b.name);
if (failed.length > 0) console.error(`pnpm bench: ${interrupted ? "interrupted" : "failed"}: ${failed.join(", ")}`);
process.exit(interrupted ? 130 : failed.length > 0 ? 1 : 0);
