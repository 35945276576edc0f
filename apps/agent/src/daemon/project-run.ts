import type { FaceGallery } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { Frame } from "@edgelens/vision/project";
import { Pipeline } from "../pipeline/index";
import type { ProcessResult, ProjectHandle } from "../runtime/index";
import type { FramePool, FrameSource } from "../sources/index";
import type { ProjectSpec } from "../deploy/project-host";
import type { Logger } from "../telemetry/logger";

/** Where frames come from, as a key: two specs with equal keys can share one source. */
export function sourceKeyOf(spec: ProjectSpec, fallbackSource: string | undefined): string {
  const c = spec.config;
  return JSON.stringify({ source: c.source ?? fallbackSource ?? null, width: c.width ?? null, height: c.height ?? null, fps: c.fps ?? null });
}

function copyFrame(frame: Frame): Frame {
  const data = new Uint8Array(new SharedArrayBuffer(frame.data.length));
  data.set(frame.data);
  return { ...frame, data };
}

/**
 * One source feeding one pipeline, and the project (a worker) the pipeline runs. The project can
 * be swapped under a running source; every result names the spec whose worker produced it, even
 * for a frame that was in flight during a swap.
 */
export class ProjectRun {
  readonly pipeline: Pipeline;
  private project: { spec: ProjectSpec; handle: ProjectHandle | null };
  private readonly producedBy = new Map<number, ProjectSpec>();
  private readonly inflight = new Map<ProjectHandle, Promise<unknown>>();
  private stopped = false;
  private busy = 0;
  private sourceError: EdgelensError | undefined;

  constructor(
    readonly sourceKey: string,
    private readonly source: FrameSource,
    spec: ProjectSpec,
    private readonly log: Logger,
    framePool?: FramePool,
  ) {
    // No project yet: the source starts while the project loads, its frames wait as `latest`.
    this.project = { spec, handle: null };
    this.pipeline = new Pipeline({ project: null, policy: "latest", ...(framePool ? { releaseFrame: (f: Frame) => framePool.give(f.data) } : {}) });
    source.on("error", (err) => (this.sourceError = err));
    source.on("error", (err) => this.log.warn(`source ${source.description}: ${err.message}`, { code: err.code, projectId: this.project.spec.projectId }));
    source.on("restart", (r) => this.log.info(`source ${source.description} restarts in ${r.delayMs} ms (attempt ${r.attempt})`, { projectId: this.project.spec.projectId }));
    source.on("end", () => this.log.warn(`source ${source.description} ended: no more frames`, { code: "SOURCE_FAILED", projectId: this.project.spec.projectId }));
  }

  get spec(): ProjectSpec {
    return this.project.spec;
  }

  get handle(): ProjectHandle | null {
    return this.project.handle;
  }

  get sourceDescription(): string {
    return this.source.description;
  }

  get lastSourceError(): EdgelensError | undefined {
    return this.sourceError;
  }

  /**
   * ms its workers spent inside infer calls (the worker's own measure of each call): the
   * project's CPU time on its worker thread, not counting onnxruntime's extra intra-op threads.
   */
  get busyMs(): number {
    return this.busy;
  }

  get framesFromSource(): number {
    return this.source.frames;
  }

  start(): void {
    this.source.start(this.pipeline.onFrame);
  }

  /** Which spec produced the result of the frame `seq` (one lookup per result). */
  takeProducer(seq: number): ProjectSpec {
    const spec = this.producedBy.get(seq) ?? this.project.spec;
    this.producedBy.delete(seq);
    return spec;
  }

  /**
   * Puts `handle` in charge of the next frames and disposes the one it replaces once its frame
   * in flight (if any) is done.
   */
  async swap(spec: ProjectSpec, handle: ProjectHandle): Promise<void> {
    const old = this.project.handle;
    this.project = { spec, handle };
    this.pipeline.setProject(this.processorFor(spec, handle));
    if (!old) return;
    await this.inflight.get(old)?.catch(() => undefined);
    await old.dispose();
  }

  /** The running worker's function reads `gallery` from its next frame; the spec names its file for later reloads. */
  async setGallery(gallery: FaceGallery, galleryPath: string): Promise<void> {
    const { spec, handle } = this.project;
    if (!handle) throw new EdgelensError("FUNCTION_FAILED", "the project is not loaded yet", { projectId: spec.projectId, deploymentId: spec.deploymentId });
    await handle.setGallery(gallery);
    // Only if nothing swapped meanwhile: a new worker came with its own spec.
    if (this.project.handle === handle) this.project = { spec: { ...spec, galleryPath }, handle };
  }

  /**
   * A frame other than `not` (the newest), waiting for one up to `timeoutMs`. A copy: the
   * pipeline may hand the original's memory back to the source while a trial still uses it.
   */
  async nextFrame(timeoutMs: number, not?: Frame): Promise<Frame> {
    const started = Date.now();
    for (;;) {
      const f = this.pipeline.latestFrame;
      if (f && f.seq !== not?.seq) return copyFrame(f);
      if (this.stopped) throw new EdgelensError("SOURCE_FAILED", "the source stopped while waiting for a frame", { projectId: this.project.spec.projectId });
      if (Date.now() - started > timeoutMs) {
        throw new EdgelensError("SOURCE_FAILED", `no frame from ${this.source.description} within ${timeoutMs} ms`, { projectId: this.project.spec.projectId });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pipeline.setProject(null);
    await this.source.stop();
    await this.pipeline.idle();
    await this.project.handle?.dispose();
  }

  private processorFor(spec: ProjectSpec, handle: ProjectHandle): { process(frame: Frame): Promise<ProcessResult> } {
    return {
      process: async (frame) => {
        this.producedBy.set(frame.seq, spec);
        const work = handle.process(frame);
        this.inflight.set(handle, work);
        try {
          const r = await work;
          this.busy += r.totalMs;
          return r;
        } catch (err) {
          this.producedBy.delete(frame.seq);
          throw err;
        } finally {
          if (this.inflight.get(handle) === work) this.inflight.delete(handle);
        }
      },
    };
  }
}
