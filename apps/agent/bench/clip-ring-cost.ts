/**
 * What keeping a clip ring of a camera costs (docs/design.md "Clips"), on vtest.avi looped at its
 * 10 fps (DivX, so the ring encodes): the CPU of this process and all its ffmpeg children, in % of
 * one core, for the camera's decoder alone (what its projects need anyway), then with the ring fed
 * the decoder's frames (`camera://`, how a camera is recorded), then with a ring that opens the
 * source again and decodes it a second time (how a project's direct source is recorded, and how a
 * camera was before). Phases run one after the other in one run; compare them as differences.
 * Run: `pnpm --filter @edgelens/agent exec tsx bench/clip-ring-cost.ts [--seconds 10] [--warmup 3] [--json out.json]`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { mediaPath } from "@edgelens/vision/media";
import { CameraHub } from "../src/cameras/camera-hub";
import { ClipRecorders } from "../src/clips/clip-recorders";
import { createLogger } from "../src/telemetry/logger";
import { writeFragment, type Figure } from "./support/fragment";
import { readBenchOptions } from "./support/options";
import { round } from "./support/stats";

const { json, values: opt } = readBenchOptions({ seconds: 10, warmup: 3 });
const VIDEO = `file://${mediaPath("vtest.avi")}?loop=1`;
const TICKS_PER_S = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** This process's live descendants (a ring under its shell watchdog is a grandchild). */
function descendants(): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((r) => r.length === 2);
  const found = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (pid !== undefined && ppid !== undefined && found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

/** CPU seconds (user + system) of this process and its live descendants so far. */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let total = (own.user + own.system) / 1e6;
  for (const pid of descendants()) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in ticks.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
    } catch {
      // Gone between ps and the read: its time is not counted in either end of the window.
    }
  }
  return total;
}

/** % of one core over `seconds`, after the warm-up; the children alive at both ends count. */
async function measure(): Promise<number> {
  await sleep(opt.warmup * 1000);
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await sleep(opt.seconds * 1000);
  return round(((cpuSeconds() - c0) / ((performance.now() - t0) / 1000)) * 100);
}

const dir = mkdtempSync(join(tmpdir(), "clip-ring-cost-"));
const log = createLogger({ level: "error", sinks: [] });
const hub = new CameraHub({ log });
const recorders = new ClipRecorders({ ffmpegPath: "/usr/bin/ffmpeg", dir, seconds: 10, fps: 10, maxPending: 1, minFreeBytes: 0, maxClipBytes: 64 * 1024 * 1024, cameras: hub });
// A reader the decoder feeds (as a project would), giving every frame back at once.
hub.set([{ name: "lobby", uri: VIDEO }]);
const reader = hub.open("lobby", "project");
reader.source.start((frame) => reader.framePool.give(frame.data));
let outcome: { decoderOnly: number; cameraFrames: number; secondDecode: number; droppedFrames: number };
try {
  const decoderOnly = await measure();
  process.stderr.write(`decoder alone: ${decoderOnly} % of a core\n`);
  await recorders.start("camera://lobby");
  const cameraFrames = await measure();
  const droppedFrames = recorders.describe()[0]?.droppedFrames ?? 0;
  await recorders.release("camera://lobby");
  process.stderr.write(`+ ring fed the camera's frames: ${cameraFrames} % (${droppedFrames} frames dropped)\n`);
  await recorders.start(VIDEO);
  const secondDecode = await measure();
  await recorders.release(VIDEO);
  process.stderr.write(`+ ring opening the source again: ${secondDecode} %\n`);
  outcome = { decoderOnly, cameraFrames, secondDecode, droppedFrames };
} finally {
  await reader.source.stop();
  await recorders.stopAll();
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
}
const figures: Figure[] = [
  {
    name: "clip ring of a camera (fed its decoder's frames): CPU over the decoder alone",
    value: round(outcome.cameraFrames - outcome.decoderOnly),
    unit: "% of a core",
    comparedTo: { name: "a ring that opens and decodes the source again", value: round(outcome.secondDecode - outcome.decoderOnly), unit: "% of a core" },
  },
];
writeFragment(json, "clip-ring-cost", figures, { ...outcome, video: VIDEO, loadavg: loadavg() });
process.stdout.write(`${JSON.stringify({ ...outcome, loadavg: loadavg() }, null, 2)}\n`);
