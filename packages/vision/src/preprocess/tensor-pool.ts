import type { TensorAllocator } from "./to-tensor";

type PooledArray = Float32Array | Int32Array;

/**
 * Reuses model-input buffers across frames. A fresh multi-megabyte typed array costs more than the
 * resize that fills it (page faults on first touch, then garbage collection); a pooled one is
 * already mapped. Buffers come back only through `release`, so one still in use is never handed
 * out again.
 */
export interface TensorPool {
  readonly allocate: TensorAllocator;
  /** Makes a buffer from `allocate` free for reuse; its contents may then change at any time. */
  release(array: PooledArray): void;
}

export interface TensorPoolOptions {
  /** Memory for a new buffer: an ArrayBuffer (default) or a SharedArrayBuffer to share with another thread. */
  memory?: (bytes: number) => ArrayBufferLike;
  /** Free buffers kept per type and length (default 4); more are left to the garbage collector. */
  keep?: number;
}

export function createTensorPool(options: TensorPoolOptions = {}): TensorPool {
  const memory = options.memory ?? ((bytes: number) => new ArrayBuffer(bytes));
  const keep = options.keep ?? 4;
  const free = new Map<string, PooledArray[]>();
  const keyOf = (type: "float32" | "int32", length: number) => `${type}:${length}`;
  return {
    allocate(type, length) {
      const reused = free.get(keyOf(type, length))?.pop();
      if (reused) return reused;
      const buffer = memory(length * 4);
      return type === "int32" ? new Int32Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
    },
    release(array) {
      const key = keyOf(array instanceof Int32Array ? "int32" : "float32", array.length);
      const list = free.get(key) ?? [];
      if (list.length < keep && !list.includes(array)) list.push(array);
      free.set(key, list);
    },
  };
}
