import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";
import { describeSource, readModelBytes, tensorInfos } from "./model-bytes";
import type { ModelRunner, TensorInfo, TensorLike, TensorType } from "./model-runner";

export interface OrtRunnerOptions {
  /** Shown in errors and logs, e.g. the project's model key. */
  name: string;
  /** onnxruntime intra-op threads; onnxruntime picks when omitted. */
  threads?: number;
}

const TENSOR_TYPES = new Set<string>(["float32", "int32", "int64", "uint8", "float16", "bool"]);

type Staging = Map<string, TensorLike["data"]>;

/**
 * onnxruntime-node refuses typed arrays over a SharedArrayBuffer ("Invalid argument"), which is
 * how the agent hands an input prepared on another thread: such data is copied into a buffer kept
 * per input (run is synchronous, so the buffer is free again when it returns).
 */
function ownData(name: string, data: TensorLike["data"], staging: Staging): TensorLike["data"] {
  if (!(data.buffer instanceof SharedArrayBuffer)) return data;
  let own = staging.get(name);
  if (!own || own.constructor !== data.constructor || own.length !== data.length) {
    own = new (data.constructor as new (n: number) => TensorLike["data"])(data.length);
    staging.set(name, own);
  }
  (own as Float32Array).set(data as Float32Array);
  return own;
}

function toOrt(name: string, t: TensorLike, staging: Staging): ort.Tensor {
  // onnxruntime-node takes float16 as raw binary16 bits in a Uint16Array, like TensorLike.
  return new ort.Tensor(t.type, ownData(name, t.data, staging) as never, t.dims);
}

function fromOrt(model: string, output: string, t: ort.Tensor): TensorLike {
  if (!TENSOR_TYPES.has(t.type)) {
    throw new EdgelensError("FUNCTION_FAILED", `Model "${model}" output "${output}" has type ${t.type}, which TensorLike cannot carry`, { model, output });
  }
  return { type: t.type as TensorType, data: t.data as TensorLike["data"], dims: [...t.dims] };
}

class OrtModelRunner implements ModelRunner {
  private disposed = false;
  private readonly staging: Staging = new Map();

  constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
  ) {}

  private checkFeeds(feeds: Record<string, TensorLike>): void {
    for (const input of this.inputs) {
      const feed = feeds[input.name];
      if (!feed) {
        throw new EdgelensError("INVALID_PAYLOAD", `Model "${this.name}" needs input "${input.name}" (got: ${Object.keys(feeds).join(", ") || "none"})`, {
          model: this.name,
          input: input.name,
        });
      }
      if (feed.type !== input.type) {
        throw new EdgelensError("INVALID_PAYLOAD", `Model "${this.name}" input "${input.name}" wants ${input.type}, got ${feed.type}`, {
          model: this.name,
          input: input.name,
        });
      }
    }
  }

  async run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>> {
    if (this.disposed) throw new EdgelensError("FUNCTION_FAILED", `Model "${this.name}" was disposed`, { model: this.name });
    this.checkFeeds(feeds);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [key, t] of Object.entries(feeds)) ortFeeds[key] = toOrt(key, t, this.staging);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds);
    } catch (err) {
      throw new EdgelensError("FUNCTION_FAILED", `Model "${this.name}" failed to run: ${(err as Error).message}`, { model: this.name }, { cause: err });
    }
    const out: Record<string, TensorLike> = {};
    for (const [key, value] of Object.entries(results)) out[key] = fromOrt(this.name, key, value as ort.Tensor);
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

/** Opens an onnxruntime-node session (CPU, all graph optimisations) behind the ModelRunner seam. */
export async function createOrtModelRunner(pathOrBytes: string | Uint8Array, opts: OrtRunnerOptions): Promise<ModelRunner> {
  const bytes = await readModelBytes(pathOrBytes);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      // Memory patterns pre-plan one big block per input shape on top of the arena: CenterNet on
      // 2 threads held 30-45 MB more RSS with them and ran no faster (issue 15.2, measured on the
      // 2-core box). The arena stays: without it the same run took about twice as long.
      enableMemPattern: false,
      ...(opts.threads !== undefined ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (err) {
    const source = describeSource(pathOrBytes);
    throw new EdgelensError("MODEL_LOAD_FAILED", `Model "${opts.name}" (${source}) failed to load: ${(err as Error).message}`, { model: opts.name, source }, { cause: err });
  }
  return new OrtModelRunner(opts.name, session, tensorInfos(session.inputMetadata), tensorInfos(session.outputMetadata));
}
