/**
 * Peak memory of inspecting one ONNX file, the way the console validates an upload: `--mode new`
 * is inspectOnnx(path) (a skeleton read in pieces); `--mode old` replays what inspectOnnx did
 * before issue 13.12 (the whole file read into memory, copied, handed to onnxruntime, hashed).
 * Run one mode per process, so the kernel's peak RSS (VmHWM) is that mode's alone.
 *
 * Run: `pnpm --filter @edgelens/vision exec tsx bench/inspect-memory.ts --mode new|old --file model.onnx`.
 * One JSON line on stdout: { mode, seconds, baselineRssBytes, peakRssBytes, bytesRead, inputs }.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { inspectOnnx } from "../src/onnx/index";
import { decodeOnnxModelHeader } from "../src/onnx/onnx-proto";

const { values: args } = parseArgs({ options: { mode: { type: "string" }, file: { type: "string" } } });
if ((args.mode !== "old" && args.mode !== "new") || !args.file) throw new Error("usage: --mode old|new --file <model.onnx>");
const file = args.file;

function statusBytes(field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+) kB/)?.[1] ?? 0) * 1024;
}

/** inspectOnnx as it was at 9847826 (packages/vision/src/onnx/inspect.ts), minus its error mapping. */
async function oldInspect(path: string) {
  const bytes = new Uint8Array(await readFile(path));
  decodeOnnxModelHeader(bytes);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const inputs = session.inputNames;
  await session.release();
  return { inputs, sha256, bytesRead: bytes.length };
}

// Load onnxruntime's native code before the baseline, as a running console has.
await ort.InferenceSession.create(readFileSync(new URL("../.models/blazeface.onnx", import.meta.url))).then((s) => s.release());
const baselineRssBytes = statusBytes("VmRSS");
const started = performance.now();
const result = args.mode === "old" ? await oldInspect(file) : await inspectOnnx(file).then((i) => ({ inputs: i.inputs.map((t) => t.name), bytesRead: i.bytesRead }));
process.stdout.write(`${JSON.stringify({ mode: args.mode, seconds: (performance.now() - started) / 1000, baselineRssBytes, peakRssBytes: statusBytes("VmHWM"), bytesRead: result.bytesRead, inputs: result.inputs })}\n`);
