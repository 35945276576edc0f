import { ClipSpanSchema, FaceGallerySchema, FunctionOutputSchema, formatZodError, type FaceGallery, type FunctionOutput, type ProjectConfig } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { ModelRunner } from "../onnx/model-runner";
import type { FrameWithInputs, InputRequest } from "../preprocess/input-plan";
import type { Frame, ProjectContext, ProjectDefinition, VisionHelpers } from "./define-project";
import { validateZones } from "../zones/zone-geometry";
import { createDrawRecorder, type DrawOp } from "./draw";
import { createFrameInputs } from "./frame-inputs";

export type LogLevel = "info" | "warn" | "error";

/** ctx.clip calls one frame may make: a loop calling it on every detection must not flood the device. */
const MAX_CLIPS_PER_FRAME = 4;

export interface ProjectInstanceOptions {
  projectId: string;
  definition: ProjectDefinition;
  models: Record<string, ModelRunner>;
  /** The deployment's config; it overrides the definition's `config` defaults key by key. */
  config: ProjectConfig;
  /** The deployment's face gallery (unchecked: checked here against FaceGallerySchema). */
  gallery?: unknown;
  vision: VisionHelpers;
  log(level: LogLevel, message: string): void;
}

/** What one frame gave: the result to publish (or null), extra published results, overlay, timings. */
export interface FrameOutcome {
  output: FunctionOutput | null;
  published: FunctionOutput[];
  overlay: DrawOp[];
  /** Wall time during which at least one model ran. */
  inferenceMs: number;
  /** Wall time of the whole `infer` call. */
  totalMs: number;
  /** The repeatable model inputs the function asked for (the agent prepares them for the next frame). */
  inputs?: InputRequest[];
  /** How many of those were already prepared when asked for. */
  preparedHits?: number;
  /** Time the function spent computing model inputs itself (not prepared ahead). */
  prepareMs?: number;
  /** Clips the function asked for with ctx.clip during this frame. */
  clips?: ClipAsk[];
}

/** One `ctx.clip` call: the clip's id and its seconds around the frame. */
export interface ClipAsk {
  clipId: string;
  pre: number;
  post: number;
}

export interface ProjectInstance {
  readonly config: ProjectConfig;
  /** `frame.prepared`, when present, holds inputs made ahead for it (see project/frame-inputs.ts). */
  infer(frame: Frame & FrameWithInputs): Promise<FrameOutcome>;
  /**
   * A new face gallery for ctx.gallery (docs/design.md "Face gallery": a gallery change reaches a
   * running project without reloading it). Checked now (INVALID_CONFIG); the function sees it from
   * the next infer on, so one frame never mixes two galleries.
   */
  setGallery(gallery: unknown): void;
}

// Why strict: an unknown top-level key is usually a typo (`detection:`) that would otherwise vanish.
const StrictOutputSchema = FunctionOutputSchema.strict();

function validateOutput(value: unknown, what: string, projectId: string): FunctionOutput {
  const parsed = StrictOutputSchema.safeParse(value);
  if (!parsed.success) {
    throw new EdgelensError("FUNCTION_FAILED", `${what} is not a valid result (${formatZodError(parsed.error)}); put custom data under "extra"`, { projectId });
  }
  return parsed.data;
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Measures the wall time during which any model runs, so overlapping runs are not counted twice. */
function createModelClock() {
  let active = 0;
  let since = 0;
  let total = 0;
  return {
    wrap(runner: ModelRunner): ModelRunner {
      const run = async (feeds: Parameters<ModelRunner["run"]>[0]) => {
        if (active++ === 0) since = performance.now();
        try {
          return await runner.run(feeds);
        } finally {
          if (--active === 0) total += performance.now() - since;
        }
      };
      return new Proxy(runner, {
        get(target, key) {
          if (key === "run") return run;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
    reset() {
      total = 0;
    },
    elapsed: () => total,
  };
}

/**
 * Wires a project definition to its models and context, runs `setup`, and returns the per-frame
 * entry point that the agent's worker and the tests both use. Errors carry codes:
 * MODEL_LOAD_FAILED when a declared model is missing, INVALID_CONFIG when `config.zones` is not a
 * list of valid polygons (naming the zone) or `setup` throws an INVALID_CONFIG error of a helper
 * (an invalid `pattern`), FUNCTION_FAILED when user code throws or
 * returns something that is not a FunctionOutput.
 */
/** Why at load: a gallery that does not parse would otherwise fail every frame's matching. */
function parseGallery(value: unknown, projectId: string): FaceGallery {
  const parsed = FaceGallerySchema.safeParse(value);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `face gallery: ${formatZodError(parsed.error)}`, { projectId, field: "gallery" });
  return parsed.data;
}

export async function createProjectInstance(options: ProjectInstanceOptions): Promise<ProjectInstance> {
  const { projectId, definition } = options;
  const missing = (definition.models ?? []).filter((name) => !(name in options.models));
  if (missing.length > 0) {
    throw new EdgelensError(
      "MODEL_LOAD_FAILED",
      `the function uses model ${missing.map((m) => `"${m}"`).join(", ")} but the project provides ${Object.keys(options.models).map((m) => `"${m}"`).join(", ") || "none"}`,
      { projectId, missing },
    );
  }
  const clock = createModelClock();
  const models = Object.fromEntries(Object.entries(options.models).map(([name, runner]) => [name, clock.wrap(runner)]));
  const config = Object.freeze({ ...(definition.config ?? {}), ...options.config }) as ProjectConfig;
  // Why at load: a bad polygon would otherwise fail (or count nothing) on every frame.
  try {
    validateZones(config.zones);
  } catch (error) {
    if (error instanceof EdgelensError) throw new EdgelensError(error.code, error.message, { ...error.context, projectId }, { cause: error });
    throw error;
  }
  let gallery = options.gallery === undefined || options.gallery === null ? null : parseGallery(options.gallery, projectId);
  let nextGallery: FaceGallery | null | undefined;
  const recorder = createDrawRecorder();
  const inputs = createFrameInputs(options.vision);
  let published: FunctionOutput[] | null = null;
  let clips: ClipAsk[] | null = null;
  let frameTs = 0;
  const ctx: ProjectContext = {
    projectId,
    models,
    config,
    vision: inputs.helpers,
    get gallery() {
      return gallery;
    },
    draw: recorder.api,
    publish(output) {
      if (!published) throw new EdgelensError("FUNCTION_FAILED", "ctx.publish works only while infer runs: a result belongs to a frame", { projectId });
      published.push(validateOutput(output, "ctx.publish's argument", projectId));
    },
    clip(pre = 5, post = 5) {
      if (!clips) throw new EdgelensError("FUNCTION_FAILED", "ctx.clip works only while infer runs: a clip is around a frame", { projectId });
      const span = ClipSpanSchema.safeParse({ pre, post });
      if (!span.success) throw new EdgelensError("FUNCTION_FAILED", `ctx.clip(${String(pre)}, ${String(post)}): ${formatZodError(span.error)}`, { projectId });
      if (clips.length >= MAX_CLIPS_PER_FRAME) throw new EdgelensError("FUNCTION_FAILED", `ctx.clip: at most ${MAX_CLIPS_PER_FRAME} clips per frame`, { projectId });
      // Unique per device across restarts: the frame's capture time, not its seq (which starts again).
      const clipId = `${projectId.slice(0, 80)}-${frameTs}-${clips.length}`;
      clips.push({ clipId, ...span.data });
      return clipId;
    },
    log: {
      info: (message) => options.log("info", String(message)),
      warn: (message) => options.log("warn", String(message)),
      error: (message) => options.log("error", String(message)),
    },
  };

  if (definition.setup) {
    try {
      await definition.setup(ctx);
    } catch (error) {
      // Why kept: a setting the function refuses (ctx.vision.createTextFilter) is the config's fault, not the code's.
      if (error instanceof EdgelensError && error.code === "INVALID_CONFIG") {
        throw new EdgelensError("INVALID_CONFIG", `setup refused the config: ${error.message}`, { ...error.context, projectId }, { cause: error });
      }
      throw new EdgelensError("FUNCTION_FAILED", `setup failed: ${errorText(error)}`, { projectId }, { cause: error });
    }
  }
  recorder.take();

  return {
    config,
    async infer(withInputs) {
      const { prepared, ...frame } = withInputs;
      if (nextGallery !== undefined) {
        gallery = nextGallery;
        nextGallery = undefined;
      }
      inputs.begin(frame, prepared);
      clock.reset();
      published = [];
      clips = [];
      frameTs = frame.ts;
      const started = performance.now();
      let returned: unknown;
      let extras: FunctionOutput[] = [];
      let asked: ClipAsk[] = [];
      try {
        returned = await definition.infer(frame, ctx);
      } catch (error) {
        recorder.take();
        throw new EdgelensError("FUNCTION_FAILED", `infer failed on frame ${frame.seq}: ${errorText(error)}`, { projectId, seq: frame.seq }, { cause: error });
      } finally {
        // Why here: results published after infer returns would carry no frame (see ctx.publish).
        extras = published ?? [];
        published = null;
        asked = clips ?? [];
        clips = null;
      }
      const totalMs = performance.now() - started;
      const output = returned === undefined || returned === null ? null : validateOutput(returned, "infer's return value", projectId);
      return { output, published: extras, overlay: recorder.take(), inferenceMs: clock.elapsed(), totalMs, inputs: inputs.requests(), preparedHits: inputs.hits, prepareMs: inputs.prepareMs, ...(asked.length > 0 ? { clips: asked } : {}) };
    },
    setGallery(value) {
      nextGallery = value === null ? null : parseGallery(value, projectId);
    },
  };
}
