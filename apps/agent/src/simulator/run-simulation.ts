import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { FaceGallery, InferenceResult, ProjectConfig } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import { encodeJpeg } from "@edgelens/vision";
import { Pipeline, toInferenceResult, type PipelineStats } from "../pipeline/index";
import { loadProject, type ProjectHandle } from "../runtime/index";
import { createFrameSource, FramePool } from "../sources/index";

export const SIMULATOR_DEVICE_ID = "simulator";

export interface SimulationOptions {
  projectId: string;
  /** The compiled function. */
  code: string;
  /** Model name -> .onnx file. */
  models: Record<string, string>;
  config: ProjectConfig;
  /** ctx.gallery of the function (face-recognition): buildGalleryFromFolder's. */
  gallery?: FaceGallery;
  /** A file, directory or source URI (see sources/source-uri.ts). */
  input: string;
  maxFrames?: number;
  /** Resample the input to this rate; without it every frame is processed. */
  fps?: number;
  threads?: number;
  /** Annotated frames: a .jpg file (rewritten per frame) or a directory (frame-<seq>.jpg). */
  out?: string;
  ffmpegPath?: string;
  /** The function sandbox, as the daemon runs it: its user (when root) and its memory bound. */
  sandbox?: { user: string; maxRssMb: number };
  onResult(result: InferenceResult): void;
  /** Human-readable progress and the project's log, one line each. */
  onLog(line: string): void;
}

export interface SimulationSummary {
  frames: number;
  results: number;
  errors: number;
  stats: PipelineStats;
}

function annotatedPath(out: string, seq: number): string {
  return /\.jpe?g$/i.test(out) ? out : join(out, `frame-${String(seq).padStart(6, "0")}.jpg`);
}

/**
 * The local simulator (`edgelens-agent infer`): the device's runtime and pipeline on a file, with
 * every frame processed in order. Throws SOURCE_FAILED (missing or unreadable input),
 * MODEL_LOAD_FAILED or FUNCTION_FAILED (the project does not load). Frames the function fails on
 * are reported through onLog and counted in `errors`.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const { config } = options;
  const framePool = new FramePool();
  const source = createFrameSource(options.input, {
    framePool,
    realtime: false,
    restart: false,
    ...(options.fps ? { fps: options.fps } : {}),
    ...(config.width ? { width: config.width } : {}),
    ...(config.height ? { height: config.height } : {}),
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
  });
  const project: ProjectHandle = await loadProject({
    projectId: options.projectId,
    code: options.code,
    models: options.models,
    config: { ...config, source: options.input },
    ...(options.gallery ? { gallery: options.gallery } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.sandbox ? { sandboxUser: options.sandbox.user, maxRssMb: options.sandbox.maxRssMb } : {}),
  });
  project.on("log", (line) => options.onLog(`[${options.projectId}] ${line.level}: ${line.message}`));
  project.on("restart", (r) => options.onLog(`project restarted (${r.reason}): ${r.error.message}`));

  const pipeline = new Pipeline({ project, policy: "ordered", releaseFrame: (f) => framePool.give(f.data) });
  let seq = 0;
  let frames = 0;
  // Annotated frames are written in order while the pipeline goes on; a failed write ends the run.
  let writes: Promise<void> = Promise.resolve();
  pipeline.on("result", (result) => {
    const annotated = options.out ? pipeline.latestAnnotated() : undefined;
    if (annotated && options.out) {
      const path = annotatedPath(options.out, result.frame.seq);
      writes = writes.then(async () => writeFile(path, await encodeJpeg(annotated)));
      // Observed here, awaited after the last frame: an early failure is not an unhandled rejection.
      writes.catch(() => undefined);
    }
    for (const output of [...(result.output ? [result.output] : []), ...result.published]) {
      options.onResult(toInferenceResult(output, { deviceId: SIMULATOR_DEVICE_ID, projectId: options.projectId, seq: seq++, frame: result.frame, latencyMs: result.latencyMs }));
    }
  });
  pipeline.on("frame-error", ({ frame, error }) => options.onLog(`frame ${frame.seq} failed [${error.code}]: ${error.message}`));
  source.on("error", (error) => options.onLog(`input: ${error.message}`));

  if (options.out && !/\.jpe?g$/i.test(options.out)) await mkdir(options.out, { recursive: true });
  else if (options.out) await mkdir(dirname(options.out), { recursive: true });

  try {
    source.start(async (frame) => {
      if (options.maxFrames !== undefined && frames >= options.maxFrames) return;
      frames += 1;
      await pipeline.onFrame(frame);
      if (options.maxFrames !== undefined && frames >= options.maxFrames) void source.stop();
    });
    await source.wait();
    await pipeline.idle();
    await writes;
  } finally {
    await pipeline.idle();
    await source.stop();
    await project.dispose();
  }
  if (frames === 0) throw new EdgelensError("SOURCE_FAILED", `${source.description}: no frames could be read`, { source: options.input });
  const stats = pipeline.stats();
  return { frames, results: seq, errors: stats.errors, stats };
}
