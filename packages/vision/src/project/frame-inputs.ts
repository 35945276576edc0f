import type { RgbImage } from "../image/rgb-image";
import { MAX_PLANNED_INPUTS, inputRequestKey, toInputRequest, type InputRequest, type PreparedEntry } from "../preprocess/input-plan";
import { createTensorPool } from "../preprocess/tensor-pool";
import { prepareInputWith, type PreparedInput, type TensorOptions } from "../preprocess/to-tensor";
import type { FitMode } from "../preprocess/geometry";
import type { VisionHelpers } from "./define-project";

/**
 * The model-input helpers of `ctx.vision` for one project: an input the agent prepared ahead for
 * the current frame is returned as is; any other is computed into a reused buffer. Either stays
 * valid until the next frame's `infer` starts (copy a tensor to keep it longer). The requests
 * made on the frame are recorded so the agent can prepare them for the next frame.
 */
export interface FrameInputs {
  readonly helpers: VisionHelpers;
  /** Starts a frame: earlier buffers go back to the pool, `prepared` become the frame's inputs. */
  begin(frame: RgbImage, prepared: readonly PreparedEntry[] | undefined): void;
  /** The repeatable requests made on the current frame, in order, at most MAX_PLANNED_INPUTS. */
  requests(): InputRequest[];
  /** How many requests on the current frame were answered by a prepared input. */
  readonly hits: number;
  /** Time spent computing inputs on the current frame (prepared ones cost nothing here). */
  readonly prepareMs: number;
}

export function createFrameInputs(base: VisionHelpers): FrameInputs {
  const pool = createTensorPool();
  let lent: (Float32Array | Int32Array)[] = [];
  let frameData: Uint8Array | undefined;
  let prepared = new Map<string, PreparedInput>();
  let requested = new Map<string, InputRequest>();
  let hits = 0;
  let prepareMs = 0;
  const allocate = (type: "float32" | "int32", length: number) => {
    const array = pool.allocate(type, length);
    lent.push(array);
    return array;
  };

  function prepare(image: RgbImage, width: number, height: number, mode: FitMode, options?: TensorOptions): PreparedInput {
    const request = image && image.data === frameData ? toInputRequest(width, height, mode, options) : undefined;
    if (request) {
      const key = inputRequestKey(request);
      if (requested.size < MAX_PLANNED_INPUTS) requested.set(key, request);
      const ready = prepared.get(key);
      if (ready) {
        hits += 1;
        return ready;
      }
    }
    const started = performance.now();
    try {
      return prepareInputWith(allocate, image, width, height, mode, options);
    } finally {
      prepareMs += performance.now() - started;
    }
  }

  const helpers: VisionHelpers = Object.freeze({
    ...base,
    resize: (image: RgbImage, width: number, height: number, options?: TensorOptions) => prepare(image, width, height, "stretch", options),
    letterbox: (image: RgbImage, width: number, height: number, options?: TensorOptions) => prepare(image, width, height, "letterbox", options),
    prepareInput: (image: RgbImage, width: number, height: number, mode: FitMode, options?: TensorOptions) => prepare(image, width, height, mode, options),
  });

  return {
    helpers,
    begin(frame, entries) {
      for (const array of lent) pool.release(array);
      lent = [];
      frameData = frame.data;
      prepared = new Map((entries ?? []).map((e) => [e.key, e.prepared]));
      requested = new Map();
      hits = 0;
      prepareMs = 0;
    },
    requests: () => [...requested.values()],
    get hits() {
      return hits;
    },
    get prepareMs() {
      return prepareMs;
    },
  };
}
