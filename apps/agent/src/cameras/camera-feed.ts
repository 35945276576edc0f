import { EventEmitter } from "node:events";
import { EdgelensError } from "@edgelens/shared/errors";
import type { Frame } from "@edgelens/vision/project";
import type { FrameHandler, FrameSource, FrameSourceEvents, SourceKind } from "../sources/index";

/** What a feed needs of its camera: to be told it reads, and stops reading. */
export interface FeedHost {
  attach(feed: CameraFeed): void;
  detach(feed: CameraFeed): void;
}

/**
 * One project's view of a shared camera: a FrameSource that receives the camera's decoded
 * frames, sampled down to its own fps. It never holds the decoder: a frame its project is still
 * busy with is replaced by the next (the pipeline's "latest" policy), so a slow project drops its
 * own frames and no other's.
 */
export class CameraFeed extends EventEmitter<FrameSourceEvents> implements FrameSource {
  frames = 0;
  private handler: FrameHandler | null = null;
  private stopped = false;
  private due = 0;
  private readonly ended: Promise<void>;
  private finish!: (error?: unknown) => void;

  constructor(
    private readonly host: FeedHost,
    readonly camera: string,
    readonly projectId: string,
    readonly kind: SourceKind,
    readonly description: string,
    private readonly fps: number | undefined,
  ) {
    super();
    this.ended = new Promise<void>((resolve, reject) => (this.finish = (error) => (error === undefined ? resolve() : reject(error))));
    this.ended.catch(() => undefined);
  }

  start(onFrame: FrameHandler): void {
    if (this.handler) throw new EdgelensError("SOURCE_FAILED", `${this.description}: already started`, { projectId: this.projectId });
    this.handler = onFrame;
    this.host.attach(this);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.host.detach(this);
    this.finish();
  }

  wait(): Promise<void> {
    return this.handler ? this.ended : Promise.reject(new EdgelensError("SOURCE_FAILED", `${this.description}: not started`, { projectId: this.projectId }));
  }

  /** Whether this frame is for it (started, and due at its fps). Decided before `push`, so the camera knows how many will hold the frame. */
  wants(frame: Frame): boolean {
    if (!this.handler || this.stopped) return false;
    if (!this.fps) return true;
    const interval = 1000 / this.fps;
    // A fifth of an interval early still counts: camera frames do not land exactly on our grid.
    if (frame.ts < this.due - interval / 5) return false;
    // On the grid while the camera keeps up; a grid left more than an interval behind (the first
    // frame, a camera back after a gap) starts again from this frame.
    this.due = (frame.ts - this.due > interval ? frame.ts : this.due) + interval;
    return true;
  }

  /** Hands a frame (accepted by `wants`) to the project; its failure ends this feed only. */
  push(frame: Frame): void {
    const handler = this.handler;
    if (!handler || this.stopped) return;
    this.frames += 1;
    try {
      const held = handler({ ...frame });
      if (held) held.catch((error: unknown) => this.fail(error));
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.host.detach(this);
    this.finish(error);
  }
}
