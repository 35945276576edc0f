import { EdgelensError } from "@edgelens/shared/errors";
import type { ProjectHost, ProjectSpec } from "../deploy/project-host";
import { redactSourceUri } from "../sources/source-uri";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { ClipRecorders } from "./clip-recorders";

/**
 * A ProjectHost that also keeps a clip recording of every source its projects read: started as
 * a project starts loading (so the ring holds video by its first results), released when the
 * last project on the source goes. A source that cannot be recorded is logged and never fails
 * the deployment. Changes run one at a time.
 */
export class RecordingHost implements ProjectHost {
  /** `projectId\nuri` of every recording this host holds. */
  private readonly recorded = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ProjectHost & { running(): ProjectSpec[] },
    private readonly recorders: ClipRecorders,
    private readonly defaultSource: string | undefined,
    private readonly log: Logger,
  ) {}

  current(projectId: string): ProjectSpec | null {
    return this.host.current(projectId);
  }

  status(projectId: string): ReturnType<ProjectHost["status"]> {
    return this.host.status(projectId);
  }

  async replace(...args: Parameters<ProjectHost["replace"]>): Promise<void> {
    // Not awaited: probing a camera may take seconds, and the deployment must not wait for it.
    void this.sync(args[0]);
    try {
      await this.host.replace(...args);
    } finally {
      await this.sync();
    }
  }

  async remove(projectId: string): Promise<void> {
    try {
      await this.host.remove(projectId);
    } finally {
      await this.sync();
    }
  }

  updateGallery(...args: Parameters<ProjectHost["updateGallery"]>): Promise<void> {
    return this.host.updateGallery(...args);
  }

  /** The source URI project `projectId` reads (null: it does not run). */
  sourceOf(projectId: string): string | null {
    const spec = this.host.current(projectId);
    return spec ? this.uriOf(spec) : null;
  }

  /**
   * The device's cameras were set: recordings of a changed camera start again on it, and a
   * project's camera that was not there when it started is recorded now.
   */
  camerasChanged(): Promise<void> {
    return this.enqueue(async () => {
      await this.recorders.refreshCameras();
      await this.syncNow();
    });
  }

  async stop(): Promise<void> {
    await this.queue;
    this.recorded.clear();
    await this.recorders.stopAll();
  }

  private uriOf(spec: ProjectSpec): string | null {
    return spec.config.source ?? this.defaultSource ?? null;
  }

  /** Brings the recordings to the running projects' sources (and `loading`'s, while it loads). */
  private sync(loading?: ProjectSpec): Promise<void> {
    return this.enqueue(() => this.syncNow(loading));
  }

  /** Changes run one at a time, in the order they came. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(loading?: ProjectSpec): Promise<void> {
    const want = new Set<string>();
    for (const spec of [...this.host.running(), ...(loading ? [loading] : [])]) {
      const uri = this.uriOf(spec);
      if (uri) want.add(`${spec.projectId}\n${uri}`);
    }
    for (const key of this.recorded) {
      if (want.has(key)) continue;
      this.recorded.delete(key);
      const uri = key.slice(key.indexOf("\n") + 1);
      await this.recorders.release(uri).catch((err: unknown) => this.log.warn(`clip recording of ${redactSourceUri(uri)} did not stop cleanly: ${describeError(err)}`, { code: "INTERNAL" }));
    }
    for (const key of want) {
      if (this.recorded.has(key)) continue;
      const [projectId = "", uri = ""] = key.split("\n");
      try {
        await this.recorders.start(uri);
        this.recorded.add(key);
      } catch (err) {
        this.log.warn(`no clips of ${redactSourceUri(uri)}: ${describeError(err)}`, { code: err instanceof EdgelensError ? err.code : "INTERNAL", projectId });
      }
    }
  }
}
