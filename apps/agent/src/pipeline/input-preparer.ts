import { createTensorPool, prepareRequests, type FrameWithInputs, type InputRequest } from "@edgelens/vision/preprocess";
import type { Frame } from "@edgelens/vision/project";

export type PreparedFrame = Frame & FrameWithInputs;

/**
 * The first stage of the frame path: while the project worker runs the model on frame N (its
 * thread is blocked in onnxruntime's synchronous run), the agent's thread makes frame N+1's model
 * inputs, the ones the function asked for on the last frame, into SharedArrayBuffers the worker
 * reads without a copy. Buffers come from a pool and go back once the worker is done with the
 * frame, or the frame is dropped, never while a worker may still read them.
 */
export class InputPreparer {
  private plan: InputRequest[] = [];
  private readonly pool = createTensorPool({ memory: (bytes) => new SharedArrayBuffer(bytes) });
  private readonly lent = new WeakMap<Frame, (Float32Array | Int32Array)[]>();
  private readonly spentMs = new WeakMap<Frame, number>();

  /** What the function asked for on its last frame. */
  learn(inputs: readonly InputRequest[] | undefined): void {
    this.plan = inputs ? [...inputs] : [];
  }

  /** `frame` with its inputs prepared per the plan (the same frame when there is no plan). */
  prepare(frame: Frame): PreparedFrame {
    if (this.plan.length === 0) return frame;
    const started = performance.now();
    const arrays: (Float32Array | Int32Array)[] = [];
    const prepared = prepareRequests(frame, this.plan, (type, length) => {
      const array = this.pool.allocate(type, length);
      arrays.push(array);
      return array;
    });
    const ready: PreparedFrame = { ...frame, prepared };
    this.lent.set(ready, arrays);
    this.spentMs.set(ready, performance.now() - started);
    return ready;
  }

  /** Time spent preparing `frame` ahead (0 when it was not). */
  preparedMs(frame: Frame): number {
    return this.spentMs.get(frame) ?? 0;
  }

  /** The frame is finished with (processed, failed or dropped): its buffers may be reused. */
  release(frame: Frame): void {
    const arrays = this.lent.get(frame);
    if (!arrays) return;
    this.lent.delete(frame);
    for (const array of arrays) this.pool.release(array);
  }
}
