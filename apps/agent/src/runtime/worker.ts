import { Socket } from "node:net";
import { EdgelensError, type ErrorCode } from "@edgelens/shared/errors";
import { createOrtModelRunner, visionHelpers, type ModelRunner } from "@edgelens/vision";
import type { FrameWithInputs } from "@edgelens/vision/preprocess";
import { createProjectInstance, loadProjectModule, type Frame, type ProjectInstance } from "@edgelens/vision/project";
import { FrameChannel } from "./frame-channel";
import { decodeFrame } from "./frame-wire";
import type { FrameMessage, HostMessage, StartMessage, WorkerMessage } from "./protocol";
import { lockNativeAddons } from "./lock-addons";
import { toWireError } from "./wire-error";

/**
 * The function sandbox: a child process per loaded project (runtime/launch-worker.ts starts it
 * under Node's permission model, as an unprivileged user where the agent is root). It owns the
 * project's onnxruntime sessions and its function, and answers one frame at a time over fd 3.
 * Anything user code does wrong ends here or ends this process, never the agent.
 */

if (!process.permission) {
  // Started by hand or by a changed launcher: refuse to run user code without the permission model.
  process.stderr.write("runtime/worker.ts runs only inside the function sandbox (see runtime/launch-worker.ts)\n");
  process.exit(70);
}

// Both native addons this process needs (onnxruntime, sharp) are loaded by the imports above.
lockNativeAddons();

// An error user code throws outside infer ends the sandbox; the agent gets the reason first.
process.on("uncaughtException", (error) => {
  post({ type: "crashed", error: toWireError(error, "FUNCTION_FAILED") });
  setImmediate(() => process.exit(1));
});

// Stack traces of user code then point at the lines of its TypeScript source (inline source maps).
process.setSourceMapsEnabled(true);

let instance: ProjectInstance | undefined;
let maxArrayBufferBytes = Infinity;
const runners: ModelRunner[] = [];
const modelBytes = new Map<string, { path: string; bytes: Uint8Array }>();

const channel = new FrameChannel<HostMessage, WorkerMessage>(
  new Socket({ fd: 3, readable: true, writable: true }),
  // The agent sends models (hundreds of MB at most) and frames; headers are small.
  { maxHeaderBytes: 16 * 1024 * 1024, maxBodyBytes: 2 * 1024 * 1024 * 1024 - 1 },
  onMessage,
  (error) => {
    // The agent reports the sandbox's last stderr line as the reason it stopped.
    process.stderr.write(`the function sandbox's channel broke: ${error.message}\n`);
    process.exit(1);
  },
);

function post(message: WorkerMessage): void {
  channel.send(message);
}

async function releaseModels(): Promise<void> {
  const all = runners.splice(0);
  await Promise.allSettled(all.map((r) => r.dispose()));
}

/** Any failure to open a model (not ONNX, unsupported op) is MODEL_LOAD_FAILED. */
async function openModel(name: string, path: string, bytes: Uint8Array, threads: number | undefined): Promise<ModelRunner> {
  try {
    return await createOrtModelRunner(bytes, { name, ...(threads ? { threads } : {}) });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new EdgelensError("MODEL_LOAD_FAILED", `model "${name}" (${path}) failed to load: ${why}`, { model: name, path }, { cause: error });
  }
}

async function start(message: StartMessage): Promise<void> {
  const started = performance.now();
  if (message.maxArrayBufferMb) maxArrayBufferBytes = message.maxArrayBufferMb * 1024 * 1024;
  let stage: ErrorCode = "FUNCTION_FAILED";
  try {
    const definition = await loadProjectModule({ code: message.code });
    stage = "MODEL_LOAD_FAILED";
    const models: Record<string, ModelRunner> = {};
    for (const [name, { path, bytes }] of modelBytes) {
      const runner = await openModel(name, path, bytes, message.threads);
      runners.push(runner);
      models[name] = runner;
    }
    modelBytes.clear();
    stage = "FUNCTION_FAILED";
    instance = await createProjectInstance({
      projectId: message.projectId,
      definition,
      models,
      config: message.config,
      ...(message.gallery ? { gallery: message.gallery } : {}),
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

async function processFrame(message: FrameMessage, frame: (Frame & FrameWithInputs) | undefined): Promise<void> {
  if (!instance || !frame) {
    post({ type: "frame-error", id: message.id, error: { code: "FUNCTION_FAILED", message: "the project is not loaded", context: {} } });
    return;
  }
  try {
    const outcome = await instance.infer(frame);
    if (overMemory(message.id)) return;
    post({ type: "result", id: message.id, outcome });
  } catch (error) {
    if (overMemory(message.id)) return;
    post({ type: "frame-error", id: message.id, error: toWireError(error, "FUNCTION_FAILED") });
  }
}

/**
 * The early, friendly bound: ArrayBuffers a function keeps are checked after every frame. User
 * code runs in this process and can defeat it; the agent's RSS watchdog (runtime/rss-watchdog.ts)
 * is the bound it cannot.
 */
function overMemory(id: number): boolean {
  const held = process.memoryUsage().arrayBuffers;
  if (held <= maxArrayBufferBytes) return false;
  const mb = (n: number): number => Math.round(n / 1024 / 1024);
  const message = `the function holds ${mb(held)} MB of ArrayBuffers, over its ${mb(maxArrayBufferBytes)} MB limit: its worker is stopped`;
  post({ type: "frame-error", id, error: { code: "FUNCTION_FAILED", message, context: { arrayBufferMb: mb(held) } } });
  instance = undefined;
  setImmediate(() => process.exit(1));
  return true;
}

function onMessage(message: HostMessage, body: Uint8Array | undefined): void {
  switch (message.type) {
    case "model":
      modelBytes.set(message.name, { path: message.path, bytes: body ?? new Uint8Array() });
      break;
    case "start":
      void start(message);
      break;
    case "frame":
      // Decoded here, not in processFrame: a body its header does not describe throws inside the
      // channel's handler, which ends the channel as it does for an oversized message.
      void processFrame(message, body && decodeFrame(message, body));
      break;
    case "gallery":
      try {
        if (!instance) throw new EdgelensError("FUNCTION_FAILED", "the project is not loaded", {});
        instance.setGallery(message.gallery);
        post({ type: "gallery-set", id: message.id });
      } catch (error) {
        post({ type: "gallery-set", id: message.id, error: toWireError(error, "INVALID_CONFIG") });
      }
      break;
    case "dispose":
      instance = undefined;
      void releaseModels().then(() => {
        post({ type: "disposed" });
        channel.end();
        setImmediate(() => process.exit(0));
      });
      break;
  }
}
