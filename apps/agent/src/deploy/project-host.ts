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
  config: ProjectConfig;
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

/**
 * The seam between the deployment state machine and the project runtime. `replace` either
 * switches to the new project or throws an EdgelensError (MODEL_LOAD_FAILED, FUNCTION_FAILED,
 * FUNCTION_TIMEOUT, SOURCE_FAILED ...) with the old project still running as before.
 */
export interface ProjectHost {
  current(): ProjectSpec | null;
  replace(spec: ProjectSpec, options: ReplaceOptions): Promise<void>;
  remove(): Promise<void>;
}
