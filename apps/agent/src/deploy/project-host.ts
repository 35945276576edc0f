import type { ProjectConfig } from "@edgelens/shared/schemas";

/** A deployment as the runtime sees it: files in the cache plus ids and config. */
export interface ProjectSpec {
  deploymentId: string;
  projectId: string;
  version: number;
  /** The compiled function module (an ES module file). */
  functionPath: string;
  /** Model name -> .onnx file. */
  modelPaths: Record<string, string>;
  /** face-recognition: the gallery JSON file in the artifact cache (read by the agent, handed to ctx.gallery). */
  galleryPath?: string;
  config: ProjectConfig;
  /** onnxruntime intra-op threads per model: the project's share of the CPU budget (or its config.threads). */
  threads?: number;
}

export interface ReplaceOptions {
  /**
   * True for a deployment: the new project loads beside the running one and takes over only
   * after it has processed a frame. False for a restart from the cache, where frames may come
   * later (a camera still starting) and nothing older runs anyway.
   */
  awaitFirstFrame: boolean;
  /** Told when loading starts (after the files are ready). */
  onLoading?: () => void;
}

/** What a running project does now, for `shadow/reported`. */
export interface ProjectStatus {
  /** The deployment whose worker runs. */
  deploymentId: string;
  source: string | null;
  fps: number;
  latencyMs: { p50: number; p95: number };
  threads?: number;
  /** Frames processed into a result since its source started (the soak counts what grew). */
  results: number;
  /** Restarts of its current worker (a crash, a frame over its timeout). */
  workerRestarts: number;
}

/**
 * The seam between the deployment state machine and the project runtime. Projects are keyed by
 * project id and independent: `replace` either switches that project to the new version or
 * throws an EdgelensError (MODEL_LOAD_FAILED, FUNCTION_FAILED, FUNCTION_TIMEOUT, SOURCE_FAILED
 * ...) with its old version, and every other project, still running as before.
 */
export interface ProjectHost {
  current(projectId: string): ProjectSpec | null;
  replace(spec: ProjectSpec, options: ReplaceOptions): Promise<void>;
  remove(projectId: string): Promise<void>;
  /**
   * face-recognition: the running deployment's function gets the gallery at `galleryPath` (in the
   * artifact cache, verified) without a reload; throws (NOT_FOUND: no such deployment runs;
   * INVALID_CONFIG: the file is no gallery) with the old gallery still in use.
   */
  updateGallery(projectId: string, deploymentId: string, galleryPath: string): Promise<void>;
  status(projectId: string): ProjectStatus | null;
}
