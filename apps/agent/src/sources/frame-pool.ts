/**
 * Frame memory reused instead of allocated per frame: a fresh 1.3 MB SharedArrayBuffer costs more
 * than the frame's whole trip to the worker (its pages are faulted in on first write, and the
 * garbage collector frees it much later). A buffer returns only through `give`, called by the
 * frames' last holder (Pipeline's `releaseFrame`), so a frame someone still holds is never
 * overwritten.
 */
export class FramePool {
  private readonly free = new Map<number, Uint8Array[]>();
  /** Buffers handed to several holders (a camera's readers): gives still due before it is free. */
  private readonly owed = new WeakMap<Uint8Array, number>();

  /** `keep`: free buffers kept per size; more are left to the garbage collector. */
  constructor(private readonly keep = 8) {}

  take(bytes: number): Uint8Array {
    return this.free.get(bytes)?.pop() ?? new Uint8Array(new SharedArrayBuffer(bytes));
  }

  /** `data` goes to `holders` holders: it is free again after that many `give`s (0: at once). */
  share(data: Uint8Array, holders: number): void {
    if (holders <= 0) this.give(data);
    else if (holders > 1) this.owed.set(data, holders);
  }

  give(data: Uint8Array): void {
    const owed = this.owed.get(data);
    if (owed !== undefined) {
      if (owed > 1) {
        this.owed.set(data, owed - 1);
        return;
      }
      this.owed.delete(data);
    }
    if (!(data.buffer instanceof SharedArrayBuffer) || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return;
    const list = this.free.get(data.length) ?? [];
    if (list.length < this.keep && !list.includes(data)) list.push(data);
    this.free.set(data.length, list);
  }

  /** Free buffers held now (tests, stats). */
  get size(): number {
    let n = 0;
    for (const list of this.free.values()) n += list.length;
    return n;
  }
}
