/**
 * int8 against float per sample model (issue 15.4): the QDQ model `optimizeModelInt8` writes,
 * calibrated on frames of vtest.avi and messi5.jpg, timed by bare `session.run` at 1 thread
 * (median), and its results on photos it never calibrated on (dog.jpg, person.jpg) against the
 * float model's. Targets: CenterNet >= 1.8x faster; detectors: the same labels and >= 90% of
 * float boxes (score >= 0.3) matched at IoU >= 0.7. Run: `pnpm --filter @edgelens/vision exec
 * tsx bench/quantize-int8.ts [--runs 20] [--warmup 3] [--calibration-frames 4] [--json FILE]`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { decodeImage } from "../src/image/index";
import { mediaPath } from "../src/media/index";
import { ensureSampleModels, getSampleModel } from "../src/models/index";
import { createOrtModelRunner } from "../src/onnx/index";
import { compareAccuracy, framesToFeeds, imageInputProfile, optimizeModelInt8, type AccuracyReport } from "../src/quantize/index";

const { values: args } = parseArgs({ options: { runs: { type: "string", default: "20" }, warmup: { type: "string", default: "3" }, "calibration-frames": { type: "string", default: "4" }, json: { type: "string" } } });
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const FRAMES = Number(args["calibration-frames"]);
if (![RUNS, FRAMES].every((n) => Number.isInteger(n) && n > 0) || !(WARMUP >= 0)) throw new Error("--runs and --calibration-frames must be positive integers");
const MODELS = ["centernet", "blazeface", "movenet"] as const;

async function medianMs(model: Uint8Array, feed: Record<string, ort.Tensor>): Promise<number> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential" });
  try {
    for (let i = 0; i < WARMUP; i++) await session.run(feed);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await session.run(feed);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return Math.round((times[times.length >> 1] ?? NaN) * 100) / 100;
  } finally {
    await session.release();
  }
}

await ensureSampleModels();
const dir = mkdtempSync(join(tmpdir(), "edgelens-bench-int8-"));
interface Row {
  model: string;
  floatMs: number;
  int8Ms: number;
  speedup: number;
  heldOut: AccuracyReport;
  calibration: AccuracyReport;
}
const rows: Row[] = [];
try {
  // Calibration: evenly spaced frames of the street video plus one photo; held out: dog, person.
  execFileSync("ffmpeg", ["-loglevel", "error", "-i", mediaPath("vtest.avi"), "-vf", "select='not(mod(n\\,150))'", "-vsync", "vfr", "-frames:v", String(Math.max(1, FRAMES - 1)), join(dir, "f%02d.jpg")]);
  const calibration = [...(await Promise.all(readdirSync(dir).sort().map((f) => decodeImage(join(dir, f))))), await decodeImage(mediaPath("messi5.jpg"))];
  const heldOut = await Promise.all((["dog.jpg", "person.jpg"] as const).map((f) => decodeImage(mediaPath(f))));
  for (const name of MODELS) {
    const bytes = new Uint8Array(readFileSync(getSampleModel(name).path));
    const t = performance.now();
    const q = await optimizeModelInt8(bytes, { name, calibration });
    const quantizeMs = performance.now() - t;
    const float = await createOrtModelRunner(bytes, { name, threads: 1 });
    const int8 = await createOrtModelRunner(q.onnx, { name: `${name} int8`, threads: 1 });
    const profile = imageInputProfile(float.inputs, name);
    const held = await compareAccuracy(float, int8, profile, heldOut);
    await float.dispose();
    await int8.dispose();
    const feed = Object.fromEntries(Object.entries(framesToFeeds(profile, heldOut.slice(0, 1))[0] ?? {}).map(([k, v]) => [k, new ort.Tensor(v.type, v.data as never, v.dims)]));
    const floatMs = await medianMs(bytes, feed);
    const int8Ms = await medianMs(q.onnx, feed);
    rows.push({ model: name, floatMs, int8Ms, speedup: Math.round((floatMs / int8Ms) * 100) / 100, heldOut: held, calibration: q.accuracy });
    process.stderr.write(
      `${name.padEnd(10)} float ${floatMs.toFixed(2)} ms  int8 ${int8Ms.toFixed(2)} ms  x${(floatMs / int8Ms).toFixed(2)}  held-out: boxes ${held.matchedBoxes ?? "-"}/${held.referenceBoxes ?? "-"} labels ${held.sameLabels ?? "-"} keypoints ${held.keypointError?.toFixed(4) ?? "-"}  (quantised in ${Math.round(quantizeMs)} ms)\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const details = { bench: "vision/quantize-int8", onnxruntime: ort.env.versions.common, runs: RUNS, rows };
process.stdout.write(`${JSON.stringify(details)}\n`);
if (args.json) {
  const figures = rows.flatMap((r) => {
    const speed = {
      name: `${r.model} int8 session.run, 1 thread (median)`,
      value: r.int8Ms,
      unit: "ms",
      comparedTo: { name: `${r.model} float32, same run`, value: r.floatMs, unit: "ms" },
      // Faster by >= 1.8x is the ratio int8/float <= 1/1.8; the CenterNet target, reported for all.
      ...(r.model === "centernet" ? { target: { on: "ratio" as const, max: Math.round((1 / 1.8) * 1000) / 1000 } } : {}),
    };
    const acc = r.heldOut;
    if (acc.boxMatchRate !== undefined) {
      return [
        speed,
        { name: `${r.model} int8 held-out boxes (score >= 0.3) matched at IoU >= 0.7`, value: acc.boxMatchRate, unit: "share", comparedTo: null, target: { on: "value" as const, min: 0.9 } },
        { name: `${r.model} int8 held-out photos with the same labels`, value: acc.sameLabels ? 1 : 0, unit: "share", comparedTo: null, target: { on: "value" as const, min: 1 } },
      ];
    }
    return [speed, { name: `${r.model} int8 held-out keypoint error (share of diagonal)`, value: acc.keypointError ?? NaN, unit: "share", comparedTo: null }];
  });
  writeFileSync(args.json, `${JSON.stringify({ bench: "quantize-int8", figures, details }, null, 2)}\n`);
}
