/**
 * The bare reference of the agent benchmarks: onnxruntime's `session.run` alone on the input a
 * template builds from a real vtest.avi frame, measured before and after the agent-side run.
 */
import { visionHelpers } from "@edgelens/vision";
import { getSampleModel, type SampleModelName } from "@edgelens/vision/models";
import { createOrtModelRunner, type TensorLike } from "@edgelens/vision/onnx";
import type { Frame } from "@edgelens/vision/project";
import { createFrameSource } from "../../src/sources/index";
import { median } from "./stats";

/** Each sample model with the template that runs it and the input that template builds. */
export const SAMPLE_CASES: { model: SampleModelName; template: string; input(frame: Frame): Record<string, TensorLike> }[] = [
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
];

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
