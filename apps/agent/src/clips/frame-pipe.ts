import type { Writable } from "node:stream";
import type { Frame } from "@edgelens/vision/project";
import type { CameraTap } from "../cameras/camera-hub";

export interface FrameSize {
  width: number;
  height: number;
}

/** Writes still in the pipe before a frame is dropped: the encoder is behind, the camera is not held up. */
const MAX_IN_FLIGHT = 2;
/**
 * How long frames of another size must keep coming before the encoder restarts for it: a camera
 * that changed its resolution does; an image folder of mixed sizes does not, and restarting at
 * every picture would leave no video at all (its odd-sized pictures are dropped instead).
 */
const RESIZE_AFTER_MS = 2000;

/**
 * Feeds a camera's decoded frames (rgb24) to the clip ring's encoder on its stdin, so that a
 * camera is opened once (a V4L2 device cannot be opened twice) and decoded once. Every frame is
 * given back to the camera exactly once: after its write, or at once when it is dropped (no
 * encoder yet, the encoder behind, a new frame size).
 */
export class FramePipe {
  private target: { stdin: Writable; inFlight: number } | null = null;
  private size: FrameSize | null = null;
  /** Another size seen since, uninterrupted by frames of the current one. */
  private candidate: (FrameSize & { since: number }) | null = null;
  /** Frames not written (the encoder was behind or restarting). */
  dropped = 0;

  /** `onSize`: the first frame, or one of another size, arrived: the encoder must (re)start for it. */
  constructor(
    private readonly tap: CameraTap,
    private readonly onSize: (size: FrameSize) => void,
  ) {}

  get frameSize(): FrameSize | null {
    return this.size;
  }

  start(): void {
    this.tap.source.start((frame) => this.push(frame));
  }

  /** The encoder to write to from now on (null while there is none). */
  attach(stdin: Writable | null): void {
    this.target = stdin ? { stdin, inFlight: 0 } : null;
  }

  /** Whether frames of this (other) size have kept coming long enough to restart the encoder for them. */
  private resized(frame: Frame): boolean {
    const c = this.candidate;
    if (!c || c.width !== frame.width || c.height !== frame.height) {
      this.candidate = { width: frame.width, height: frame.height, since: frame.ts };
      return false;
    }
    return frame.ts - c.since >= RESIZE_AFTER_MS;
  }

  async stop(): Promise<void> {
    this.target = null;
    await this.tap.source.stop();
  }

  private push(frame: Frame): void {
    const { data } = frame;
    if (!this.size || this.size.width !== frame.width || this.size.height !== frame.height) {
      this.tap.give(data);
      if (this.size && !this.resized(frame)) {
        this.dropped += 1;
        return;
      }
      this.size = { width: frame.width, height: frame.height };
      this.candidate = null;
      this.target = null;
      this.onSize(this.size);
      return;
    }
    this.candidate = null;
    const target = this.target;
    if (!target || target.inFlight >= MAX_IN_FLIGHT || target.stdin.writableNeedDrain || target.stdin.destroyed) {
      this.dropped += 1;
      this.tap.give(data);
      return;
    }
    target.inFlight += 1;
    // The callback comes once the bytes are in the pipe (or the write failed): only then may the camera reuse them.
    target.stdin.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), () => {
      target.inFlight -= 1;
      this.tap.give(data);
    });
  }
}
