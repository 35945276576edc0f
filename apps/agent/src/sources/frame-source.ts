import type { EdgelensError } from "@edgelens/shared/errors";
import type { Frame } from "@edgelens/vision/project";
import type { FrameFormat } from "./ffmpeg-args";
import type { FramePool } from "./frame-pool";
import type { SourceKind } from "./source-uri";

/** Receives each frame. A returned promise holds the source until it settles (no frame is lost). */
export type FrameHandler = (frame: Frame) => void | Promise<void>;

export interface SourceRestart {
  /** 1 for the first restart after a run that delivered frames. */
  attempt: number;
  delayMs: number;
  error: EdgelensError;
}

export interface FrameSourceEvents {
  /** A run of the source failed (SOURCE_FAILED); a restart follows when restarts are on. */
  error: [error: EdgelensError];
  restart: [info: SourceRestart];
  /** A finite source (a file without loop, a directory pass) delivered everything. */
  end: [];
}

/**
 * A camera, stream, file or test pattern delivering RGB frames. Frames carry a `seq` that rises
 * by one per frame over the source's life (restarts included) and a capture `ts`.
 */
export interface FrameSource {
  readonly kind: SourceKind;
  /** The source URI with any password hidden. */
  readonly description: string;
  start(onFrame: FrameHandler): void;
  /** Stops reading and ends the ffmpeg process; resolves when it is gone. */
  stop(): Promise<void>;
  /** Resolves when the source ends or is stopped; rejects with the error that ended it. */
  wait(): Promise<void>;
  /** Frames delivered so far. */
  readonly frames: number;
  on<K extends keyof FrameSourceEvents>(event: K, listener: (...args: FrameSourceEvents[K]) => void): this;
  once<K extends keyof FrameSourceEvents>(event: K, listener: (...args: FrameSourceEvents[K]) => void): this;
  off<K extends keyof FrameSourceEvents>(event: K, listener: (...args: FrameSourceEvents[K]) => void): this;
}

export interface SourceOptions extends FrameFormat {
  /**
   * Pace files, directories and test patterns at their frame rate, like a camera (default true).
   * The simulator turns it off and reads as fast as it processes.
   */
  realtime?: boolean;
  /** Restart a failed source with backoff (default true); off, the first failure ends it. */
  restart?: boolean;
  ffmpegPath?: string;
  /** A live source with no frame for this long is restarted (default 15 s). */
  stallTimeoutMs?: number;
  backoff?: BackoffOptions;
  /**
   * Frame memory to reuse (streaming sources). Only for a consumer that gives every frame back
   * once nothing holds it any more (Pipeline's `releaseFrame`).
   */
  framePool?: FramePool;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}
