import type { FramePool } from "./frame-pool";

/**
 * Cuts a byte stream of raw frames into whole frames. Each frame gets its own SharedArrayBuffer so
 * it can go to the project worker without a copy while the agent keeps reading it (stream preview);
 * with a pool, one its last holder gave back.
 */
export class FrameAssembler {
  private current: Uint8Array | null = null;
  private filled = 0;

  constructor(
    readonly frameBytes: number,
    private readonly pool?: FramePool,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`frame size must be a positive integer, got ${frameBytes}`);
  }

  /** Appends a chunk; returns the frames it completed, oldest first. */
  push(chunk: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      this.current ??= this.pool ? this.pool.take(this.frameBytes) : new Uint8Array(new SharedArrayBuffer(this.frameBytes));
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        done.push(this.current);
        this.current = null;
        this.filled = 0;
      }
    }
    return done;
  }

  /** Bytes of an unfinished frame (non-zero when a stream ends mid-frame). */
  get pendingBytes(): number {
    return this.filled;
  }
}
