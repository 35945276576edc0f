import { EventEmitter } from "node:events";
import { FunctionOutputSchema, formatZodError, type FaceGallery, type FunctionOutput, type ProjectConfig } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { FrameWithInputs, InputRequest } from "@edgelens/vision/preprocess";
import type { ClipAsk, DrawOp, Frame, LogLevel } from "@edgelens/vision/project";
import { restartDelay } from "../sources/restarting-source";
import type { InitMessage, ModelSummary } from "./protocol";
import { sandboxEntry } from "./sandbox-entry";
import { resolveSandboxIdentity, type SandboxIdentity } from "./sandbox-user";
import { WorkerSession } from "./worker-session";

export interface LoadProjectOptions {
  projectId: string;
  /** The compiled function (compileProjectFunction's `code`) or a file holding it. */
  code?: string;
  codePath?: string;
  /** Model name (as the function calls it) -> .onnx file. */
  models: Record<string, string>;
  config?: ProjectConfig;
  /** The face gallery the function reads as ctx.gallery (face-recognition). */
  gallery?: FaceGallery;
  /** onnxruntime intra-op threads per model (default: config.threads, else onnxruntime's choice). */
  threads?: number;
  /** A frame whose infer runs longer restarts the worker (default: config.timeoutMs, else 10 s). */
  timeoutMs?: number;
  /** Loading models and running setup (default 120 s). */
  loadTimeoutMs?: number;
  maxHeapMb?: number;
  /** ArrayBuffers the function may hold after a frame; more ends the worker (default 512 MB). */
  maxArrayBufferMb?: number;
  /** Resident memory of the function's sandbox process; more kills it (default 1024 MB). */
  maxRssMb?: number;
  /** Who the sandbox runs as when the agent is root: a user name or uid:gid (default "nobody"). */
  sandboxUser?: string;
  /** The sandbox's code (default: sandbox-entry.ts's sandboxEntry). */
  workerUrl?: URL;
}

/** What the project made of one frame. */
export interface ProcessResult {
  output: FunctionOutput | null;
  /** Results the function published with ctx.publish during this frame. */
  published: FunctionOutput[];
  /** ctx.draw ops for the project stream, in frame pixels. */
  overlay: DrawOp[];
  /** Time models ran. */
  inferenceMs: number;
  /** Time of the whole infer call inside the worker. */
  totalMs: number;
  /** From handing the frame to the worker to getting the result back. */
  roundTripMs: number;
  /** Time the function spent computing model inputs that were not prepared ahead. */
  prepareMs?: number;
  /** How many of the function's input requests the inputs prepared ahead answered (inside the sandbox). */
  preparedHits?: number;
  /** The model inputs the function asked for: what to prepare for the next frame (pipeline/input-preparer.ts). */
  inputs?: InputRequest[];
  /** Clips the function asked for with ctx.clip during this frame. */
  clips?: ClipAsk[];
}

export interface ProjectLogLine {
  level: LogLevel;
  message: string;
  ts: number;
}

export interface ProjectRestart {
  /** "timeout": a frame ran past timeoutMs; "crash": the worker died (uncaught error, out of memory, exit). */
  reason: "timeout" | "crash";
  error: EdgelensError;
  /** Restarts so far, this one included. */
  restarts: number;
  delayMs: number;
}

export interface ProjectHandleEvents {
  log: [line: ProjectLogLine];
  restart: [info: ProjectRestart];
  /** A restart could not load the project again (its next frame retries, after backoff). */
  "restart-failed": [error: EdgelensError];
}

export interface ProjectHandle {
  readonly projectId: string;
  readonly models: ModelSummary[];
  readonly restarts: number;
  /**
   * Runs the function on one frame. Calls are queued and run one at a time. Rejects with
   * FUNCTION_FAILED (the function threw or returned an invalid result; the project keeps running)
   * or FUNCTION_TIMEOUT (the worker was stopped and is being restarted).
   */
  process(frame: Frame & FrameWithInputs): Promise<ProcessResult>;
  /**
   * Hands the running function a new face gallery (ctx.gallery from its next frame), without
   * reloading models; a restarted worker starts with it. Rejects with INVALID_CONFIG when the
   * function's instance refuses it (the old gallery stays).
   */
  setGallery(gallery: FaceGallery | null): Promise<void>;
  dispose(): Promise<void>;
  on<K extends keyof ProjectHandleEvents>(event: K, listener: (...args: ProjectHandleEvents[K]) => void): this;
  once<K extends keyof ProjectHandleEvents>(event: K, listener: (...args: ProjectHandleEvents[K]) => void): this;
  off<K extends keyof ProjectHandleEvents>(event: K, listener: (...args: ProjectHandleEvents[K]) => void): this;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ARRAY_BUFFER_MB = 512;
const DEFAULT_LOAD_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RSS_MB = 1024;
const DEFAULT_SANDBOX_USER = "nobody";

/** The frame's bytes cross to the sandbox as they are: they must be the RGB image they claim. */
function checkFrame(frame: Frame & FrameWithInputs, projectId: string): Frame & FrameWithInputs {
  const expected = frame.width * frame.height * 3;
  if (!(frame.data instanceof Uint8Array) || frame.data.length !== expected) {
    throw new EdgelensError("INVALID_PAYLOAD", `frame ${frame.seq}: ${frame.width}x${frame.height} RGB needs ${expected} bytes, got ${frame.data?.length}`, { projectId });
  }
  return frame;
}

function checkOutput(value: FunctionOutput | null, projectId: string): FunctionOutput | null {
  if (value === null) return null;
  const parsed = FunctionOutputSchema.safeParse(value);
  if (!parsed.success) throw new EdgelensError("FUNCTION_FAILED", `the project returned an invalid result: ${formatZodError(parsed.error)}`, { projectId });
  return parsed.data;
}

class WorkerProjectHandle extends EventEmitter<ProjectHandleEvents> implements ProjectHandle {
  models: ModelSummary[] = [];
  restarts = 0;
  private session!: WorkerSession;
  private starting!: Promise<void>;
  private failuresInRow = 0;
  private disposed = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly init: InitMessage;
  private readonly timeoutMs: number;
  private readonly identity: SandboxIdentity | null;

  constructor(private readonly options: LoadProjectOptions) {
    super();
    this.identity = resolveSandboxIdentity(options.sandboxUser ?? DEFAULT_SANDBOX_USER);
    const config = options.config ?? {};
    const threads = options.threads ?? config.threads;
    this.init = { type: "init", projectId: options.projectId, models: options.models, config, maxArrayBufferMb: options.maxArrayBufferMb ?? DEFAULT_MAX_ARRAY_BUFFER_MB, ...(threads ? { threads } : {}) };
    if (options.gallery) this.init.gallery = options.gallery;
    if (options.code !== undefined) this.init.code = options.code;
    else if (options.codePath !== undefined) this.init.codePath = options.codePath;
    else throw new EdgelensError("FUNCTION_FAILED", "loadProject needs the function's code or codePath", { projectId: options.projectId });
    this.timeoutMs = options.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get projectId(): string {
    return this.options.projectId;
  }

  /** Starts a worker; resolves once it has loaded the models and run setup. */
  start(delayMs = 0): Promise<void> {
    this.starting = (async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.disposed) throw new EdgelensError("FUNCTION_FAILED", "the project was unloaded", { projectId: this.projectId });
      const url = this.options.workerUrl ?? (await sandboxEntry());
      const session = new WorkerSession({
        url,
        init: this.init,
        loadTimeoutMs: this.options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
        maxRssMb: this.options.maxRssMb ?? DEFAULT_MAX_RSS_MB,
        identity: this.identity,
        onLog: (level, message) => this.emit("log", { level, message, ts: Date.now() }),
        ...(this.options.maxHeapMb ? { maxHeapMb: this.options.maxHeapMb } : {}),
      });
      this.session = session;
      try {
        this.models = await session.ready;
      } catch (error) {
        await session.dispose();
        throw error;
      }
      session.exited
        .then((reason) => this.onExit(session, reason))
        .catch((error: unknown) => process.emitWarning(`restarting project ${this.projectId} failed: ${String(error)}`, "EdgelensRuntimeWarning"));
    })();
    this.starting.catch(() => undefined);
    return this.starting;
  }

  process(frame: Frame & FrameWithInputs): Promise<ProcessResult> {
    const run = this.tail.then(() => this.processNow(frame));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async setGallery(gallery: FaceGallery | null): Promise<void> {
    const before = this.init.gallery;
    if (gallery) this.init.gallery = gallery;
    else delete this.init.gallery;
    // A worker still starting gets it once up; one that failed to start restarts from the init.
    if (!(await this.starting.then(() => true, () => false))) return;
    try {
      await this.session.setGallery(gallery);
    } catch (error) {
      if (before) this.init.gallery = before;
      else delete this.init.gallery;
      throw error;
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.starting.catch(() => undefined);
    await this.session.dispose();
  }

  private async processNow(frame: Frame & FrameWithInputs): Promise<ProcessResult> {
    if (this.disposed) throw new EdgelensError("FUNCTION_FAILED", "the project was unloaded", { projectId: this.projectId });
    await this.ready();
    const checked = checkFrame(frame, this.projectId);
    const started = performance.now();
    const outcome = await this.session.process(checked, this.timeoutMs);
    this.failuresInRow = 0;
    return {
      output: checkOutput(outcome.output, this.projectId),
      published: outcome.published.map((p) => checkOutput(p, this.projectId)).filter((p): p is FunctionOutput => p !== null),
      overlay: outcome.overlay,
      inferenceMs: outcome.inferenceMs,
      totalMs: outcome.totalMs,
      roundTripMs: performance.now() - started,
      prepareMs: outcome.prepareMs ?? 0,
      preparedHits: outcome.preparedHits ?? 0,
      inputs: outcome.inputs ?? [],
      ...(outcome.clips ? { clips: outcome.clips } : {}),
    };
  }

  /** Waits for a worker that is up; after a failed restart, tries again with backoff. */
  private async ready(): Promise<void> {
    try {
      await this.starting;
    } catch (error) {
      if (this.disposed) throw error;
      this.failuresInRow += 1;
      await this.start(restartDelay(this.failuresInRow));
    }
  }

  private onExit(session: WorkerSession, reason: EdgelensError): void {
    if (this.disposed || session !== this.session) return;
    this.restarts += 1;
    this.failuresInRow += 1;
    // The first restart is immediate; a project that keeps dying backs off (0.5 s doubling to 30 s).
    const delayMs = this.failuresInRow > 1 ? restartDelay(this.failuresInRow - 1) : 0;
    this.emit("restart", { reason: reason.code === "FUNCTION_TIMEOUT" ? "timeout" : "crash", error: reason, restarts: this.restarts, delayMs });
    this.start(delayMs).catch((error: unknown) => {
      const failure = error instanceof EdgelensError ? error : new EdgelensError("FUNCTION_FAILED", String(error), { projectId: this.projectId });
      this.emit("restart-failed", failure);
    });
  }
}

/**
 * Loads a project into its own function sandbox (a child process, runtime/launch-worker.ts):
 * opens its models, runs setup. Rejects with
 * MODEL_LOAD_FAILED (a model does not open), FUNCTION_FAILED (the code does not load, or setup
 * throws) or FUNCTION_TIMEOUT (loading took longer than loadTimeoutMs).
 */
export async function loadProject(options: LoadProjectOptions): Promise<ProjectHandle> {
  const handle = new WorkerProjectHandle(options);
  await handle.start();
  return handle;
}
