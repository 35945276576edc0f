import { parentPort } from "node:worker_threads";
import { EdgelensError, type ErrorCode } from "@edgelens/shared/errors";
import { visionHelpers } from "@edgelens/vision/helpers";
import { createOrtModelRunner, type ModelRunner } from "@edgelens/vision/onnx";
import { createProjectInstance, loadProjectModule, type ProjectInstance } from "@edgelens/vision/project";
import type { FrameMessage, HostMessage, InitMessage, WorkerMessage } from "./protocol";
import { toWireError } from "./wire-error";

/**
 * The project worker: one per loaded project. It owns the project's onnxruntime sessions and its
 * function, and answers one frame at a time. Anything user code does wrong ends here or ends this
 * thread, never the agent.
 */

const port = parentPort;
if (!port) throw new Error("runtime/worker.ts runs only as a worker_thread (see runtime/launch-worker.ts)");

// Stack traces of user code then point at the lines of its TypeScript source (inline source maps).
process.setSourceMapsEnabled(true);

let instance: ProjectInstance | undefined;
let maxArrayBufferBytes = Infinity;
const runners: ModelRunner[] = [];

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

async function releaseModels(): Promise<void> {
  const all = runners.splice(0);
  await Promise.allSettled(all.map((r) => r.dispose()));
}

/** Any failure to open a model (missing file, not ONNX, unsupported op) is MODEL_LOAD_FAILED. */
async function openModel(name: string, path: string, threads: number | undefined): Promise<ModelRunner> {
  try {
    return await createOrtModelRunner(path, { name, ...(threads ? { threads } : {}) });
  } catch (error) {
    if (error instanceof EdgelensError && error.code === "MODEL_LOAD_FAILED") throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new EdgelensError("MODEL_LOAD_FAILED", `model "${name}" (${path}) failed to load: ${why}`, { model: name, path }, { cause: error });
  }
}

async function init(message: InitMessage): Promise<void> {
  const started = performance.now();
  if (message.maxArrayBufferMb) maxArrayBufferBytes = message.maxArrayBufferMb * 1024 * 1024;
  let stage: ErrorCode = "FUNCTION_FAILED";
  try {
    const source = message.code !== undefined ? { code: message.code } : { path: message.codePath ?? "" };
    const definition = await loadProjectModule(source);
    stage = "MODEL_LOAD_FAILED";
    const models: Record<string, ModelRunner> = {};
    for (const [name, path] of Object.entries(message.models)) {
      const runner = await openModel(name, path, message.threads);
      runners.push(runner);
      models[name] = runner;
    }
    stage = "FUNCTION_FAILED";
    instance = await createProjectInstance({
      projectId: message.projectId,
      definition,
      models,
      config: message.config,
      vision: visionHelpers,
      log: (level, text) => post({ type: "log", level, message: text }),
    });
    const summaries = runners.map((r) => ({ name: r.name, inputs: r.inputs, outputs: r.outputs }));
    post({ type: "ready", models: summaries, loadMs: performance.now() - started });
  } catch (error) {
    await releaseModels();
    post({ type: "failed", error: toWireError(error, stage) });
  }
}

async function processFrame(message: FrameMessage): Promise<void> {
  if (!instance) {
    post({ type: "frame-error", id: message.id, error: { code: "FUNCTION_FAILED", message: "the project is not loaded", context: {} } });
    return;
  }
  try {
    const outcome = await instance.infer(message.frame);
    if (overMemory(message.id)) return;
    post({ type: "result", id: message.id, outcome });
  } catch (error) {
    if (overMemory(message.id)) return;
    post({ type: "frame-error", id: message.id, error: toWireError(error, "FUNCTION_FAILED") });
  }
}

/**
 * resourceLimits bound only the V8 heap: ArrayBuffers a function keeps (in this worker's isolate)
 * are checked after every frame, and a function over its bound loses its worker (the host
 * restarts it; the frame fails, so a trial rolls back and a running deployment degrades).
 */
function overMemory(id: number): boolean {
  const held = process.memoryUsage().arrayBuffers;
  if (held <= maxArrayBufferBytes) return false;
  const mb = (n: number): number => Math.round(n / 1024 / 1024);
  const message = `the function holds ${mb(held)} MB of ArrayBuffers, over its ${mb(maxArrayBufferBytes)} MB limit: its worker is stopped`;
  post({ type: "frame-error", id, error: { code: "FUNCTION_FAILED", message, context: { arrayBufferMb: mb(held) } } });
  instance = undefined;
  // After the message above is on its way: exit() ends only this worker thread.
  setImmediate(() => process.exit(1));
  return true;
}

port.on("message", (message: HostMessage) => {
  switch (message.type) {
    case "init":
      void init(message);
      break;
    case "frame":
      void processFrame(message);
      break;
    case "dispose":
      instance = undefined;
      void releaseModels().then(() => {
        post({ type: "disposed" });
        port.close();
      });
      break;
  }
});
