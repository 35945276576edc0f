import type { StreamName } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import type { Frame } from "@edgelens/vision/project";
import type { ProjectHost, ProjectSpec, ProjectStatus, ReplaceOptions } from "../deploy/project-host";
import type { FrameTap, JpegFrame } from "../stream/frame-tap";
import type { PipelineFigures } from "../telemetry/telemetry-reporter";
import { JpegTap } from "./jpeg-tap";
import { ProjectSlot, type SlotFigures, type SupervisorOptions } from "./project-slot";

export type { SupervisorOptions } from "./project-slot";

/**
 * Runs every project of the device, each in its own slot (its own source, pipeline, worker and
 * error window), so loading, failing or removing one leaves the others running. Also the
 * FrameTap of the stream server: the preview shows the project deployed last.
 */
export class ProjectSupervisor implements ProjectHost, FrameTap {
  /** By project id, in the order they were first deployed. */
  private readonly slots = new Map<string, ProjectSlot>();
  private readonly tap: JpegTap;
  /** Dropped frames of slots already gone, so the device's total never goes down. */
  private retiredDropped = 0;
  /**
   * Loads (worker start, models, setup) run one at a time across projects: loading is the
   * heaviest CPU burst, and onnxruntime-node sessions created at once in several workers have
   * crashed the process (a native Napi::Error) on the 2-core test box.
   */
  private loads: Promise<unknown> = Promise.resolve();
  private readonly serialLoads = <T>(task: () => Promise<T>): Promise<T> => {
    const run = this.loads.then(task);
    this.loads = run.catch(() => undefined);
    return run;
  };

  constructor(private readonly options: SupervisorOptions) {
    this.tap = new JpegTap((stream) => this.frameOf(stream), options.jpegQuality);
  }

  current(projectId: string): ProjectSpec | null {
    return this.slots.get(projectId)?.current() ?? null;
  }

  /** Specs of every running project. */
  running(): ProjectSpec[] {
    return [...this.slots.values()].flatMap((s) => s.current() ?? []);
  }

  async replace(spec: ProjectSpec, options: ReplaceOptions): Promise<void> {
    let slot = this.slots.get(spec.projectId);
    if (!slot) {
      slot = new ProjectSlot(this.options, this.serialLoads);
      this.slots.set(spec.projectId, slot);
    }
    try {
      await slot.replace(spec, options);
    } finally {
      // A first version that failed leaves nothing behind.
      if (!slot.current() && this.slots.get(spec.projectId) === slot) this.slots.delete(spec.projectId);
    }
  }

  async remove(projectId: string): Promise<void> {
    const slot = this.slots.get(projectId);
    if (!slot) return;
    this.retiredDropped += slot.figures()?.droppedFrames ?? 0;
    await slot.remove();
    if (!slot.current()) this.slots.delete(projectId);
  }

  updateGallery(projectId: string, deploymentId: string, galleryPath: string): Promise<void> {
    const slot = this.slots.get(projectId);
    if (!slot) return Promise.reject(new EdgelensError("NOT_FOUND", `project ${projectId} does not run`, { projectId, deploymentId }));
    return slot.updateGallery(deploymentId, galleryPath);
  }

  status(projectId: string): ProjectStatus | null {
    const slot = this.slots.get(projectId);
    const f = slot?.figures();
    const run = slot?.run;
    if (!f || !run) return null;
    return {
      deploymentId: f.deploymentId,
      source: run.sourceDescription,
      fps: f.fps,
      latencyMs: f.latencyMs,
      ...(f.threads ? { threads: f.threads } : {}),
      results: run.pipeline.stats().processed,
      workerRestarts: run.handle?.restarts ?? 0,
    };
  }

  /** `restart-project`: a fresh worker for one project (`projectId`) or for each. */
  async restart(projectId?: string): Promise<void> {
    const targets = projectId === undefined ? [...this.slots.values()] : [this.slots.get(projectId)].filter((s) => s !== undefined);
    if (targets.length === 0) throw new EdgelensError("NOT_FOUND", projectId === undefined ? "no project runs" : `project ${projectId} does not run`, projectId ? { projectId } : {});
    await Promise.all(targets.map((s) => s.restart()));
  }

  latest(stream: StreamName): Promise<JpegFrame | null> {
    return this.tap.latest(stream);
  }

  /** The device's totals: fps summed, the slowest project's latency, dropped frames of all. */
  figures(): PipelineFigures {
    const all = this.projectFigures();
    return {
      fps: all.reduce((n, f) => n + f.fps, 0),
      latencyMs: { p50: Math.max(0, ...all.map((f) => f.latencyMs.p50)), p95: Math.max(0, ...all.map((f) => f.latencyMs.p95)) },
      droppedFrames: this.retiredDropped + all.reduce((n, f) => n + f.droppedFrames, 0),
    };
  }

  projectFigures(): SlotFigures[] {
    return [...this.slots.values()].flatMap((s) => s.figures() ?? []);
  }

  /** Each running project's source, counters and restarts, for /healthz and logs. */
  describe(): Record<string, unknown>[] {
    return [...this.slots.values()].map((s) => s.describe()).filter((d): d is Record<string, unknown> => d !== null);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((id) => this.remove(id)));
  }

  private frameOf(stream: StreamName): Frame | undefined {
    const slots = [...this.slots.values()].reverse();
    for (const s of slots) {
      const f = s.frameOf(stream);
      if (f) return f;
    }
    return undefined;
  }
}
