/**
 * The console's memory while it takes a large model upload (issue 13.12): a valid ONNX model of
 * `--mib` MiB, almost all weights (writeWeightsModel), is sent as one streamed
 * `POST /api/v1/models?name=` to a production console; the RSS of its process tree is sampled
 * every 20 ms from before the upload until the 201. Side by side, the validation step alone is
 * run in a fresh process both ways (packages/vision/bench/inspect-memory.ts): `old` replays
 * inspectOnnx as it was before (the whole file in memory, then onnxruntime on it), `new` is today's
 * (a skeleton read in pieces). The old validation's peak is what the console added per upload.
 *
 * Run: `pnpm --filter @edgelens/console exec tsx bench/upload-memory.ts [--mib 1000] [--dev | --no-build] [--json out.json]`.
 * JSON on stdout, progress on stderr.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeWeightsModel } from "@edgelens/vision/onnx";
import { descendants } from "../../../scripts/bench/process-tree";
import { startBenchConsole } from "./support/console-process";

const { values: args } = parseArgs({
  options: {
    mib: { type: "string", default: "1000" },
    dev: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const mib = Number(args.mib);
if (!Number.isInteger(mib) || mib < 1) throw new Error("--mib must be a positive integer");
const ADMIN = { email: "bench@edgelens.local", password: "bench-password-1" };
const MiB = 1024 * 1024;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const visionRoot = new URL("../../../packages/vision/", import.meta.url).pathname;

const stops: (() => Promise<void>)[] = [];
const dir = mkdtempSync(join(tmpdir(), "edgelens-bench-upload-"));
async function cleanup(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch((err: unknown) => log(`stopping a child failed: ${String(err)}`));
  rmSync(dir, { recursive: true, force: true });
}
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(code)));
}

function rssOf(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return Number(line?.match(/(\d+) kB/)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
const treeRss = (root: number): number => [root, ...descendants(root)].reduce((sum, pid) => sum + rssOf(pid), 0);

function upload(url: string, path: string, size: number, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/models?name=bench-big`, { method: "POST", headers: { cookie, "content-type": "application/octet-stream", "content-length": String(size) } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The console may answer (an error) and close before the body is all sent: wait for that answer.
    req.on("error", (err) => setTimeout(() => reject(err), 2000).unref());
    createReadStream(path).on("error", reject).pipe(req);
  });
}

function inspectPeak(mode: "old" | "new", file: string): { peakRssBytes: number; baselineRssBytes: number; seconds: number; bytesRead: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/inspect-memory.ts", "--mode", mode, "--file", file], { cwd: visionRoot, encoding: "utf8", maxBuffer: 1024 * 1024 });
  return JSON.parse(out.trim().split("\n").pop()!) as { peakRssBytes: number; baselineRssBytes: number; seconds: number; bytesRead: number };
}

async function measure(): Promise<Record<string, unknown>> {
  const file = join(dir, "big.onnx");
  const { size } = await writeWeightsModel(file, Math.floor((mib * MiB) / 4));
  log(`model: ${(size / MiB).toFixed(0)} MiB`);
  const server = await startBenchConsole(
    { dataDir: join(dir, "data"), secret: "bench-upload-secret-0123456789", adminEmail: ADMIN.email, adminPassword: ADMIN.password },
    { dev: args.dev, build: !args["no-build"], log, track: (stop) => stops.push(stop) },
  );
  log(`console: ${server.mode}`);
  const signIn = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (signIn.status !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const baseline = treeRss(server.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRss(server.pid))), 20);
  const started = performance.now();
  const res = await upload(server.url, file, size, cookie)
    .catch((err: Error) => {
      throw new Error(`upload: ${err.message}\n${server.output().slice(-3000)}`);
    })
    .finally(() => clearInterval(sampler));
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, treeRss(server.pid));
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.body}\n${server.output().slice(-3000)}`);
  log(`console upload: ${seconds.toFixed(1)} s, RSS ${(baseline / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB`);
  const inspectNew = inspectPeak("new", file);
  const inspectOld = inspectPeak("old", file);
  for (const [mode, r] of [["new", inspectNew], ["old", inspectOld]] as const) {
    log(`validation (${mode}): ${r.seconds.toFixed(1)} s, ${(r.bytesRead / MiB).toFixed(2)} MiB read, peak RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB (${((r.peakRssBytes - r.baselineRssBytes) / MiB).toFixed(0)} MiB over its baseline)`);
  }
  return {
    bench: "console/upload-memory",
    server: server.mode,
    modelBytes: size,
    uploadSeconds: seconds,
    console: { baselineRssBytes: baseline, peakRssBytes: peak },
    inspect: { new: inspectNew, old: inspectOld },
    machine: { cpus: availableParallelism(), node: process.version },
  };
}

function figuresOf(d: Record<string, unknown>) {
  const c = d.console as { baselineRssBytes: number; peakRssBytes: number };
  const i = d.inspect as Record<"old" | "new", { peakRssBytes: number; baselineRssBytes: number }>;
  const m = (b: number) => Math.round(b / MiB);
  return [
    { name: `console RSS growth over the upload of a ${mib} MiB model`, value: m(c.peakRssBytes - c.baselineRssBytes), unit: "MiB", comparedTo: { name: "the old validation's growth alone (whole file in memory)", value: m(i.old.peakRssBytes - i.old.baselineRssBytes), unit: "MiB" } },
    { name: `validation peak RSS, ${mib} MiB model (new)`, value: m(i.new.peakRssBytes), unit: "MiB", comparedTo: { name: "old", value: m(i.old.peakRssBytes), unit: "MiB" } },
  ];
}

try {
  const details = await measure();
  process.stdout.write(`${JSON.stringify(details)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ bench: "console-upload-memory", figures: figuresOf(details), details }, null, 2)}\n`);
} finally {
  await cleanup();
}
