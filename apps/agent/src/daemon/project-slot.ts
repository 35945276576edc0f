import type { FunctionOutput, StreamName } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import type { ClipAsk, Frame } from "@edgelens/vision/project";
import type { PipelineResult } from "../pipeline/index";
import { loadProject, type ProjectHandle } from "../runtime/index";
import { cameraNameOf } from "@edgelens/shared/schemas";
import type { CameraHub } from "../cameras/camera-hub";
import { createFrameSource, FramePool, type FrameSource, type SourceOptions } from "../sources/index";
import type { ProjectSpec, ReplaceOptions } from "../deploy/project-host";
import { readGallery } from "../deploy/read-gallery";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { PipelineFigures } from "../telemetry/telemetry-reporter";
import type { ResultMeta } from "./result-publisher";
import { ErrorWindow } from "./error-window";
import { ProjectRun, sourceKeyOf } from "./project-run";
import { awaitFirstResult, trialOnFrames } from "./project-trial";

export interface SupervisorOptions {
  log: Logger;
  /** A candidate that has not processed a frame by then fails. */
  firstFrameTimeoutMs: number;
  /** Frames in a row a candidate may fail before its deployment fails. */
  trialMaxErrors?: number;
  jpegQuality: number;
  ffmpegPath?: string;
  /** Restart backoff and stall timeout of sources. */
  sourceOptions?: Pick<SourceOptions, "backoff" | "stallTimeoutMs">;
  /** The source of projects whose config names none (the device's camera). */
  defaultSource?: string;
  /** The device's named cameras: a project whose source is `camera://<name>` reads one of them. */
  cameras?: Pick<CameraHub, "open">;
  onResult(result: { output: FunctionOutput; meta: ResultMeta }): void;
  /** Clips the running project's function asked for (ctx.clip), with the frame they are around. */
  onClips?(clips: ClipAsk[], meta: ResultMeta): void;
  /** Error rate of the running project: over its last `window` frames, at least `maxRate` failed. */
  degradeAfter?: { window: number; maxRate: number };
  /** The function sandbox: its user (when the agent is root) and its memory bound. */
  sandbox?: { user: string; maxRssMb: number };
  /** Once per deployment, when its error rate crosses `degradeAfter`, with the last error. */
  onDegraded?(spec: ProjectSpec, error: EdgelensError): void;
}

/** Figures of one project for telemetry: its pipeline and the time its worker spent on frames. */
export interface SlotFigures extends PipelineFigures {
  projectId: string;
  deploymentId: string;
  /** ms the project's worker spent in its infer calls since the project started. */
  busyMs: number;
  threads?: number;
}

/**
 * Runs one project (one project id): loads a new version beside the running one (its own
 * worker), switches only after it has processed a frame, and leaves the running one untouched
 * when anything fails. Its failures stay its own: other projects have their own slots.
 */
export class ProjectSlot {
  private active: ProjectRun | null = null;
  private retiredDropped = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly health: ErrorWindow;
  /** The deployment already reported degraded (once each). */
  private degradedId: string | null = null;

  /** `serialLoads`: the device's projects load one at a time (see ProjectSupervisor). */
  constructor(
    private readonly options: SupervisorOptions,
    private readonly serialLoads: <T>(task: () => Promise<T>) => Promise<T> = (task) => task(),
  ) {
    const d = options.degradeAfter ?? { window: 20, maxRate: 0.5 };
    this.health = new ErrorWindow(d.window, d.maxRate);
  }

  current(): ProjectSpec | null {
    return this.active?.spec ?? null;
  }

  /** The running run (for frames and stats). */
  get run(): ProjectRun | null {
    return this.active;
  }

  replace(spec: ProjectSpec, options: ReplaceOptions): Promise<void> {
    return this.exclusive(() => this.replaceNow(spec, options));
  }

  remove(): Promise<void> {
    return this.exclusive(async () => {
      const run = this.active;
      if (!run) return;
      this.active = null;
      this.retiredDropped += run.pipeline.stats().dropped;
      await run.stop();
    });
  }

  /** A new gallery for the running deployment's function, between two of its frames (no reload). */
  updateGallery(deploymentId: string, galleryPath: string): Promise<void> {
    return this.exclusive(async () => {
      const run = this.active;
      if (!run || run.spec.deploymentId !== deploymentId) {
        throw new EdgelensError("NOT_FOUND", `deployment ${deploymentId} does not run`, { deploymentId, projectId: run?.spec.projectId });
      }
      await run.setGallery(await readGallery(galleryPath, run.spec.projectId), galleryPath);
    });
  }

  /** `restart-project`: a fresh worker for the running project, switched in the same careful way. */
  restart(): Promise<void> {
    const spec = this.current();
    if (!spec) return Promise.reject(new EdgelensError("NOT_FOUND", "no project runs"));
    return this.replace(spec, { awaitFirstFrame: true });
  }

  figures(): SlotFigures | null {
    const run = this.active;
    if (!run) return null;
    const s = run.pipeline.stats();
    return {
      projectId: run.spec.projectId,
      deploymentId: run.spec.deploymentId,
      fps: s.fps,
      latencyMs: { p50: s.latencyMs.p50, p95: s.latencyMs.p95 },
      droppedFrames: this.retiredDropped + s.dropped,
      busyMs: run.busyMs,
      ...(run.spec.threads ? { threads: run.spec.threads } : {}),
    };
  }

  /** Running project's source, counters and restarts, for /healthz and logs. */
  describe(): Record<string, unknown> | null {
    const run = this.active;
    if (!run) return null;
    const s = run.pipeline.stats();
    return { deploymentId: run.spec.deploymentId, projectId: run.spec.projectId, version: run.spec.version, source: run.sourceDescription, framesIn: s.framesIn, processed: s.processed, dropped: s.dropped, errors: s.errors, workerRestarts: run.handle?.restarts ?? 0 };
  }

  stop(): Promise<void> {
    return this.remove();
  }

  /** The newest camera frame or annotated frame of this project. */
  frameOf(stream: StreamName): Frame | undefined {
    const run = this.active;
    if (!run) return undefined;
    return stream === "device" ? run.pipeline.latestFrame : run.pipeline.latestAnnotated();
  }

  private async replaceNow(spec: ProjectSpec, options: ReplaceOptions): Promise<void> {
    const log = this.options.log.child({ deploymentId: spec.deploymentId, projectId: spec.projectId });
    options.onLoading?.();
    const key = sourceKeyOf(spec, this.options.defaultSource);
    const cur = this.active;
    if (cur && cur.sourceKey === key) {
      // Same camera: the candidate proves itself on the running source's frames (a camera
      // cannot be opened twice), then takes over its pipeline.
      const handle = await this.load(spec, log);
      try {
        if (options.awaitFirstFrame) this.emitResult(spec, await trialOnFrames(cur, handle, this.trialLimits()));
        await cur.swap(spec, handle);
        this.health.reset();
      } catch (err) {
        await handle.dispose().catch((e: unknown) => log.warn(`unloading the failed candidate: ${describeError(e)}`));
        throw err;
      }
      log.info(`project ${spec.projectId} v${spec.version} took over the running source`);
      return;
    }
    // Its own source, started while the project loads: the first frame is there sooner.
    const run = this.newRun(spec, key);
    try {
      await run.swap(spec, await this.load(spec, log));
      const loadedAt = performance.now();
      if (options.awaitFirstFrame) {
        await awaitFirstResult(run, this.trialLimits(), () => this.activate(run));
        log.info(`first frame processed ${Math.round(performance.now() - loadedAt)} ms after loading (${run.framesFromSource} frames from the source so far)`);
      } else {
        this.activate(run);
      }
    } catch (err) {
      await run.stop().catch((e: unknown) => log.warn(`stopping the failed candidate: ${describeError(e)}`));
      throw err;
    }
    if (cur) {
      this.retiredDropped += cur.pipeline.stats().dropped;
      await cur.stop();
    }
  }

  private async load(spec: ProjectSpec, log: Logger): Promise<ProjectHandle> {
    const started = performance.now();
    log.info(`loading project ${spec.projectId} v${spec.version} (models: ${Object.keys(spec.modelPaths).join(", ") || "none"}; ${spec.threads ?? "default"} thread(s) per model)`);
    const gallery = spec.galleryPath ? await readGallery(spec.galleryPath, spec.projectId) : undefined;
    const handle = await this.serialLoads(() => loadProject({
      projectId: spec.projectId,
      codePath: spec.functionPath,
      models: spec.modelPaths,
      config: spec.config,
      ...(gallery ? { gallery } : {}),
      ...(spec.threads ? { threads: spec.threads } : {}),
      ...(this.options.sandbox ? { sandboxUser: this.options.sandbox.user, maxRssMb: this.options.sandbox.maxRssMb } : {}),
    }));
    log.info(`project ${spec.projectId} v${spec.version} loaded in ${Math.round(performance.now() - started)} ms (models: ${handle.models.map((m) => m.name).join(", ") || "none"})`);
    handle.on("log", (l) => log[l.level === "info" ? "info" : l.level === "warn" ? "warn" : "error"](`[project] ${l.message}`));
    handle.on("restart", (r) => log.warn(`project worker restarted (${r.reason}, ${r.restarts} so far, next in ${r.delayMs} ms): ${r.error.message}`, { code: r.error.code }));
    handle.on("restart-failed", (e) => log.error(`project worker did not come back: ${e.message}`, { code: e.code }));
    return handle;
  }

  private newRun(spec: ProjectSpec, key: string): ProjectRun {
    const sourceUri = spec.config.source ?? this.options.defaultSource;
    if (!sourceUri) throw new EdgelensError("SOURCE_FAILED", "the project config names no source and the agent has no default source", { projectId: spec.projectId });
    const { source, framePool } = this.openSource(spec, sourceUri);
    const run = new ProjectRun(key, source, spec, this.options.log, framePool);
    run.pipeline.on("result", (r) => {
      if (this.active === run) {
        this.health.record(false);
        this.emitResult(run.takeProducer(r.frame.seq), r);
      } else run.takeProducer(r.frame.seq);
    });
    run.pipeline.on("frame-error", (f) => {
      this.options.log.warn(`frame ${f.frame.seq} failed: ${f.error.message}`, { code: f.error.code, projectId: run.spec.projectId, deploymentId: run.spec.deploymentId });
      if (this.active === run && this.health.record(true)) this.degrade(run.spec, f.error);
    });
    run.start();
    return run;
  }

  /** A camera of the device (shared decoder, sampled at the project's fps), or a source of its own. */
  private openSource(spec: ProjectSpec, sourceUri: string): { source: FrameSource; framePool: FramePool } {
    const camera = cameraNameOf(sourceUri);
    if (camera !== null) {
      if (!this.options.cameras) throw new EdgelensError("CAMERA_NOT_FOUND", `camera "${camera}": this agent has no cameras`, { projectId: spec.projectId, camera });
      return this.options.cameras.open(camera, spec.projectId, spec.config.fps);
    }
    const framePool = new FramePool();
    const source = createFrameSource(sourceUri, {
      framePool,
      ...(spec.config.width ? { width: spec.config.width } : {}),
      ...(spec.config.height ? { height: spec.config.height } : {}),
      ...(spec.config.fps ? { fps: spec.config.fps } : {}),
      ...this.options.sourceOptions,
      realtime: true,
      restart: true,
      ...(this.options.ffmpegPath ? { ffmpegPath: this.options.ffmpegPath } : {}),
    });
    return { source, framePool };
  }

  private activate(run: ProjectRun): void {
    this.active = run;
    this.health.reset();
  }

  private degrade(spec: ProjectSpec, error: EdgelensError): void {
    if (this.degradedId === spec.deploymentId) return;
    this.degradedId = spec.deploymentId;
    const { size, maxRate } = this.health;
    this.options.log.error(`project ${spec.projectId} fails on at least ${Math.round(maxRate * 100)}% of its last ${size} frames: ${error.message}`, { code: error.code, projectId: spec.projectId, deploymentId: spec.deploymentId });
    this.options.onDegraded?.(spec, error);
  }

  private emitResult(spec: ProjectSpec, r: PipelineResult): void {
    const meta: ResultMeta = {
      deploymentId: spec.deploymentId,
      projectId: spec.projectId,
      frame: { width: r.frame.width, height: r.frame.height, ts: r.frame.ts },
      latencyMs: { total: r.latencyMs.total, inference: r.latencyMs.inference },
    };
    // Before the results: a result naming a clip should not reach a rule before the clip is asked for.
    if (r.clips && r.clips.length > 0) this.options.onClips?.(r.clips, meta);
    for (const output of [...r.published, ...(r.output ? [r.output] : [])]) this.options.onResult({ output, meta });
  }

  private trialLimits(): { timeoutMs: number; maxErrors: number } {
    return { timeoutMs: this.options.firstFrameTimeoutMs, maxErrors: this.options.trialMaxErrors ?? 3 };
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
