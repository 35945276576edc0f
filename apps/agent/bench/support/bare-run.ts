/**
 * The bare reference of the agent benchmarks: onnxruntime's `session.run` alone on the input a
 * template builds from a real vtest.avi frame, measured before and after the agent-side run.
 */
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import type { FaceGallery } from "@edgelens/shared";
import { visionHelpers } from "@edgelens/vision";
import { mediaPath, type MediaName } from "@edgelens/vision/media";
import { getSampleModel, type SampleModelName } from "@edgelens/vision/models";
import { createOrtModelRunner, type ModelRunner, type TensorLike } from "@edgelens/vision/onnx";
import { compileProjectFunction, createProjectInstance, loadProjectModule, type Frame } from "@edgelens/vision/project";
import { getTemplate } from "@edgelens/vision/templates";
import { createFrameSource } from "../../src/sources/index";
import { median } from "./stats";

/** A model a template runs on every frame besides its case's model (head-pose: the detector, then the mesh per face). */
export interface AlsoRun {
  model: SampleModelName;
  input(frame: Frame): Record<string, TensorLike>;
}

/**
 * Each sample model with the template that runs it and the input that template builds. `photo`:
 * the template needs what vtest.avi lacks (a face seen from the front), so it runs on a clip of
 * that photo instead; `also`: the other models it runs per frame, part of its bare reference.
 */
export const SAMPLE_CASES: { model: SampleModelName; template: string; input(frame: Frame): Record<string, TensorLike>; photo?: MediaName; also?: AlsoRun[] }[] = [
  { model: "centernet", template: "object-detection", input: (f) => ({ "tower_0/images": visionHelpers.resize(f, 512, 512).tensor }) },
  { model: "blazeface", template: "face-detection", input: (f) => ({ input: visionHelpers.letterbox(f, 256, 256, { normalize: "symmetric" }).tensor }) },
  { model: "movenet", template: "pose", input: (f) => ({ input: visionHelpers.letterbox(f, 192, 192, { dtype: "int32" }).tensor }) },
  {
    model: "ppocr-det",
    template: "text-detection",
    input: (f) => {
      const size = visionHelpers.fitInputSize(f.width, f.height, 960, 32);
      return { x: visionHelpers.resize(f, size.width, size.height, { layout: "nchw", normalize: "imagenet", channelOrder: "bgr" }).tensor };
    },
  },
  {
    model: "facemesh",
    template: "head-pose",
    photo: "messi5.jpg",
    // One face in messi5.jpg: BlazeFace once, facemesh once on a 192x192 crop (its cost does not depend on what the crop shows).
    input: (f) => ({ input_1: visionHelpers.letterbox(f, 192, 192, { normalize: "unit" }).tensor }),
    also: [{ model: "blazeface", input: (f) => ({ input: visionHelpers.letterbox(f, 256, 256, { normalize: "symmetric" }).tensor }) }],
  },
];

/**
 * A video of `seconds` at 10 fps showing `photo` (a test medium or a path; MJPEG in `dir`), for a
 * case that needs what vtest.avi lacks. A video, not an image folder: the folder source starts a
 * decoder per picture, which would dominate a fast template's per-frame figure.
 */
export function photoClip(photo: MediaName | { path: string }, dir: string, seconds: number): string {
  const path = typeof photo === "string" ? mediaPath(photo) : photo.path;
  const out = join(dir, `${basename(path)}.avi`);
  const r = spawnSync("/usr/bin/ffmpeg", ["-loglevel", "error", "-loop", "1", "-i", path, "-t", String(seconds), "-r", "10", "-c:v", "mjpeg", "-q:v", "3", "-y", out]);
  if (r.status !== 0) throw new Error(`ffmpeg could not make a clip of ${photo}: ${r.stderr.toString()}`);
  return out;
}

export function sampleCase(model: SampleModelName): (typeof SAMPLE_CASES)[number] {
  const found = SAMPLE_CASES.find((c) => c.model === model);
  if (!found) throw new Error(`no sample case for model ${model}`);
  return found;
}

export async function firstFrame(path: string): Promise<Frame> {
  const source = createFrameSource(path, { realtime: false, restart: false });
  let frame: Frame | undefined;
  source.start((f) => {
    frame ??= f;
    void source.stop();
  });
  await source.wait();
  if (!frame) throw new Error(`no frame in ${path}`);
  return frame;
}

/** Median `ModelRunner.run` time after `warmup` untimed runs. */
export async function bareMedianMs(model: SampleModelName, threads: number, feeds: Record<string, TensorLike>, counts: { warmup: number; runs: number }): Promise<number> {
  const runner = await createOrtModelRunner(getSampleModel(model).path, { name: model, threads });
  try {
    for (let i = 0; i < counts.warmup; i++) await runner.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < counts.runs; i++) {
      const t = performance.now();
      await runner.run(feeds);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await runner.dispose();
  }
}

/**
 * Runs `measure` between two bare measurements and averages them: on a shared machine the load
 * drifts, and a single bare figure taken minutes apart from the measured run would carry it.
 * `settle` runs before the second bare measurement (e.g. stopping the agent's project so it idles).
 */
export async function bracketByBare<T>(bare: () => Promise<number>, measure: () => Promise<T>, settle?: () => Promise<void>): Promise<{ result: T; bareMs: number }> {
  const before = await bare();
  const result = await measure();
  await settle?.();
  return { result, bareMs: (before + (await bare())) / 2 };
}

/** One model run a template made: which sample model and a copy of its feeds. */
export interface RecordedRun {
  model: SampleModelName;
  feeds: Record<string, TensorLike>;
}

/**
 * The model runs `template` makes on `frame`, in order, recorded by running it in-process: the
 * bare reference of a template that runs several models, or one model several times (text-reading,
 * face-recognition with `gallery`: BlazeFace, then faceres once per face).
 */
export async function recordTemplateRuns(template: string, frame: Frame, gallery?: FaceGallery): Promise<RecordedRun[]> {
  const t = getTemplate(template);
  const runs: RecordedRun[] = [];
  const runners: ModelRunner[] = [];
  const models: Record<string, ModelRunner> = {};
  try {
    for (const [name, model] of Object.entries(t.models)) {
      const runner = await createOrtModelRunner(getSampleModel(model).path, { name, threads: 1 });
      runners.push(runner);
      models[name] = {
        name,
        inputs: runner.inputs,
        outputs: runner.outputs,
        run: (feeds) => {
          // Copied: pooled input tensors are reused for the next frame.
          runs.push({ model, feeds: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { ...v, data: v.data.slice() } as TensorLike])) });
          return runner.run(feeds);
        },
        dispose: () => runner.dispose(),
      };
    }
    const { code } = await compileProjectFunction(t.functionSource, { filename: t.functionPath });
    const definition = await loadProjectModule({ code });
    const instance = await createProjectInstance({ projectId: template, definition, models, config: t.defaultConfig, ...(gallery ? { gallery } : {}), vision: visionHelpers, log: () => undefined });
    await instance.infer(frame);
    return runs;
  } finally {
    await Promise.all(runners.map((r) => r.dispose()));
  }
}

/** The sum of the bare medians of `runs` (one session per model, `threads` each). */
export async function bareSumMs(runs: RecordedRun[], threads: number, counts: { warmup: number; runs: number }): Promise<number> {
  let total = 0;
  for (const run of runs) total += await bareMedianMs(run.model, threads, run.feeds, counts);
  return total;
}
