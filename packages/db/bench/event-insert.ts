/**
 * SQLite event insert rate on a real file (WAL + synchronous=NORMAL, as `openDatabase` opens it),
 * rows shaped like the broker's `store` rule action writes them (~300-byte payload, labels).
 *
 * - autocommit: one `INSERT … RETURNING id` per row, each its own transaction;
 * - batched: the broker's EventWriter (apps/broker/src/rules/event-writer.ts): one transaction per
 *   batch, each row `INSERT … RETURNING id` through drizzle, at batch sizes `--batches` (the
 *   writer flushes every 200 ms or at 500 rows, so 500 is its ceiling under load).
 * Rounds alternate the modes (load on a shared machine drifts); each mode in each round inserts
 * `--rows` rows or stops after `--seconds`; the median round's rate is reported.
 *
 * Run: `pnpm --filter @edgelens/db exec tsx bench/event-insert.ts [--rows 20000] [--seconds 5]
 * [--rounds 3] [--batches 10,500] [--json out.json]`. JSON on stdout, a table on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { events, migrateDatabase, openDatabase, type EdgelensDb } from "../src/index";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "20000" },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    batches: { type: "string", default: "10,500" },
    json: { type: "string" },
  },
});
const ROWS = Number(args.rows);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const BATCHES = args.batches.split(",").map(Number);
for (const [flag, n] of [["--rows", ROWS], ["--seconds", SECONDS], ["--rounds", ROUNDS], ...BATCHES.map((b) => ["--batches", b] as const)] as const) {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number (a list for --batches), got ${n}`);
}

type EventRow = typeof events.$inferInsert;

/** What the `store` action writes for a people-counter result matched by a rule. */
function eventRow(i: number): EventRow {
  const deviceId = `cam-${String(i % 100).padStart(3, "0")}`;
  return {
    ruleId: "rul_bench",
    ruleName: "people-alert",
    topic: `edgelens/devices/${deviceId}/infer`,
    deviceId,
    labels: "dog person",
    payload: {
      device: deviceId,
      seq: i,
      ts: Date.now(),
      frame: { width: 768, height: 576 },
      detections: [
        { label: "person", classId: 0, score: 0.87, box: [120, 40, 260, 400] },
        { label: "dog", classId: 16, score: 0.45, box: [300, 220, 420, 380] },
      ],
      counts: { person: 3, dog: 1 },
    },
    ts: Date.now(),
  };
}

interface Pass {
  rows: number;
  seconds: number;
  rowsPerSec: number;
}

/** Inserts up to ROWS rows in groups of `batch` (1 = autocommit) or until SECONDS pass. */
function insertPass(db: EdgelensDb, batch: number | null, first: number): Pass {
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  while (done < ROWS && performance.now() < deadline) {
    if (batch === null) {
      db.insert(events).values(eventRow(first + done)).returning({ id: events.id }).get();
      done++;
      continue;
    }
    const rows = Array.from({ length: Math.min(batch, ROWS - done) }, (_, k) => eventRow(first + done + k));
    // As EventWriter.flush: one transaction, one INSERT … RETURNING per row.
    db.transaction((tx) => rows.map((row) => tx.insert(events).values(row).returning({ id: events.id }).get().id));
    done += rows.length;
  }
  const seconds = (performance.now() - start) / 1000;
  return { rows: done, seconds, rowsPerSec: done / seconds };
}

const round = (v: number): number => Math.round(v * 100) / 100;
const medianPass = (passes: Pass[]): Pass => [...passes].sort((a, b) => a.rowsPerSec - b.rowsPerSec)[Math.floor(passes.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), "edgelens-bench-events-"));
const modes: { name: string; batch: number | null }[] = [{ name: "autocommit", batch: null }, ...BATCHES.map((b) => ({ name: `batched-${b}`, batch: b }))];
const passes = new Map<string, Pass[]>(modes.map((m) => [m.name, []]));
let inserted = 0;
try {
  const handle = openDatabase(join(dir, "edgelens.db"));
  try {
    migrateDatabase(handle);
    const journal = handle.sqlite.pragma("journal_mode", { simple: true });
    const synchronous = handle.sqlite.pragma("synchronous", { simple: true });
    process.stderr.write(`SQLite ${handle.sqlite.prepare("select sqlite_version() as v").pluck().get() as string}, journal_mode=${String(journal)}, synchronous=${String(synchronous)} (1 = NORMAL)\n`);
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of modes) {
        const pass = insertPass(handle.db, mode.batch, inserted);
        inserted += pass.rows;
        passes.get(mode.name)!.push(pass);
        process.stderr.write(`round ${r + 1} ${mode.name.padEnd(12)} ${String(pass.rows).padStart(7)} rows in ${pass.seconds.toFixed(2)} s: ${Math.round(pass.rowsPerSec)} rows/s\n`);
      }
    }
  } finally {
    handle.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const results = modes.map((m) => {
  const p = medianPass(passes.get(m.name)!);
  return { mode: m.name, batch: m.batch ?? 1, rows: p.rows, seconds: round(p.seconds), rowsPerSec: Math.round(p.rowsPerSec) };
});
const details = {
  bench: "db/event-insert",
  setup: { journal: "WAL", synchronous: "NORMAL", rowsPerPass: ROWS, secondsPerPass: SECONDS, rounds: ROUNDS, totalRows: inserted, statistic: "median round" },
  machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map(round) },
  results,
};
process.stdout.write(`${JSON.stringify(details)}\n`);
const single = results[0]!;
for (const r of results.slice(1)) process.stderr.write(`${r.mode}: ${r.rowsPerSec} rows/s = x${round(r.rowsPerSec / single.rowsPerSec)} of autocommit (${single.rowsPerSec} rows/s)\n`);
if (args.json) {
  const figures = results.slice(1).map((r) => ({
    name: `events insert, the broker's way: ${r.batch} rows per transaction`,
    value: r.rowsPerSec,
    unit: "rows/s",
    comparedTo: { name: "single-row autocommit inserts, same rows", value: single.rowsPerSec, unit: "rows/s" },
  }));
  writeFileSync(args.json, `${JSON.stringify({ bench: "event-insert", figures, details }, null, 2)}\n`);
}
