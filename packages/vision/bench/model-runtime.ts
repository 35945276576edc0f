/**
 * Median latency of a bare onnxruntime `session.run` per sample model, at 1 and 2 intra-op
 * threads (20 timed runs after 3 warm-up runs), compared with the figures in
 * ../shared/MODELS.md ("Speed on 2 cores"). Run: `pnpm --filter @edgelens/vision exec tsx
 * bench/model-runtime.ts [--runs 20] [--warmup 3] [--json out.json]`. A readable table goes to
 * stderr; one JSON object to stdout; with `--json`, the fragment that root `pnpm bench` merges.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { ensureSampleModels, getSampleModel, type SampleModelName } from "../src/models/index";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "20" }, warmup: { type: "string", default: "3" }, json: { type: "string" } } });
const WARMUP = Number(args.warmup);
const RUNS = Number(args.runs);
if (!Number.isInteger(WARMUP) || WARMUP < 0 || !Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer and --warmup a non-negative one`);
const THREADS = [1, 2];

/** ../shared/MODELS.md, "Speed on 2 cores (onnxruntime-node 1.30, CPU, median of 20)": ms at 1 and 2 threads. */
const MODELS_MD_MS: Partial<Record<SampleModelName, Record<number, number>>> = {
  centernet: { 1: 33.5, 2: 19.8 },
  blazeface: { 1: 4.0, 2: 2.0 },
  movenet: { 1: 4.2, 2: 2.3 },
  "ppocr-det": { 1: 60, 2: 35 },
};

/** Input shapes: the fixed ones from the models, PP-OCR det at 640x640 (its shape is dynamic). MODELS.md has no figure for cls/rec. */
const INPUTS: Record<SampleModelName, { dims: number[]; type: "float32" | "int32" }> = {
  centernet: { dims: [1, 512, 512, 3], type: "float32" },
  blazeface: { dims: [1, 256, 256, 3], type: "float32" },
  movenet: { dims: [1, 192, 192, 3], type: "int32" },
  "ppocr-det": { dims: [1, 3, 640, 640], type: "float32" },
  // One text line each, at PaddleOCR's shapes (cls 48x192; rec 48 high, 320 wide at least).
  "ppocr-cls": { dims: [1, 3, 48, 192], type: "float32" },
  "ppocr-rec": { dims: [1, 3, 48, 320], type: "float32" },
  facemesh: { dims: [1, 192, 192, 3], type: "float32" },
  // One face each: faceres RGB 0..255, emotion one grey channel in [-1, 1].
  faceres: { dims: [1, 224, 224, 3], type: "float32" },
  emotion: { dims: [1, 64, 64, 1], type: "float32" },
};

interface Result {
  model: SampleModelName;
  threads: number;
  input: number[];
  medianMs: number;
  minMs: number;
  runs: number;
}

/** A smooth image-like pattern in each model's input range, the same every run. */
function inputTensor(model: SampleModelName): ort.Tensor {
  const { dims, type } = INPUTS[model];
  const n = dims.reduce((a, b) => a * b, 1);
  const at = (i: number): number => 127.5 + 127.5 * Math.sin(i * 0.001) * Math.cos(i * 0.37);
  if (type === "int32") return new ort.Tensor("int32", Int32Array.from({ length: n }, (_, i) => Math.round(at(i))), dims);
  if (model === "facemesh") return new ort.Tensor("float32", Float32Array.from({ length: n }, (_, i) => at(i) / 255), dims);
  const scale = model === "blazeface" || model === "emotion" || model.startsWith("ppocr") ? (v: number) => v / 127.5 - 1 : (v: number) => v;
  return new ort.Tensor("float32", Float32Array.from({ length: n }, (_, i) => scale(at(i))), dims);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

async function measure(model: SampleModelName, threads: number): Promise<Result> {
  const session = await ort.InferenceSession.create(getSampleModel(model).path, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
  });
  try {
    const feeds = { [session.inputNames[0] ?? ""]: inputTensor(model) };
    for (let i = 0; i < WARMUP; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t);
    }
    const round = (v: number): number => Math.round(v * 100) / 100;
    return { model, threads, input: INPUTS[model].dims, medianMs: round(median(times)), minMs: round(Math.min(...times)), runs: RUNS };
  } finally {
    await session.release();
  }
}

await ensureSampleModels();
const results: Result[] = [];
for (const model of Object.keys(INPUTS) as SampleModelName[]) {
  for (const threads of THREADS) {
    const r = await measure(model, threads);
    results.push(r);
    process.stderr.write(`${model.padEnd(10)} threads=${threads}  median ${r.medianMs.toFixed(2).padStart(7)} ms  (min ${r.minMs.toFixed(2)} ms, ${RUNS} runs)\n`);
  }
}
const details = { bench: "vision/model-runtime", unit: "ms", statistic: "median", onnxruntime: ort.env.versions.common, cpus: availableParallelism(), results };
process.stdout.write(`${JSON.stringify(details)}\n`);
if (args.json) {
  const figures = results.map((r) => ({
    name: `${r.model} session.run ${r.input.join("x")}, ${r.threads} thread${r.threads > 1 ? "s" : ""} (median)`,
    value: r.medianMs,
    unit: "ms",
    // A model MODELS.md has no figure for (facemesh) has no reference.
    comparedTo: MODELS_MD_MS[r.model] ? { name: "MODELS.md reference, same threads", value: MODELS_MD_MS[r.model]?.[r.threads] ?? Number.NaN, unit: "ms" } : null,
  }));
  writeFileSync(args.json, `${JSON.stringify({ bench: "model-runtime", figures, details }, null, 2)}\n`);
}
