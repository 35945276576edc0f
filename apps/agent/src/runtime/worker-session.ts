import type { Worker } from "node:worker_threads";
import { EdgelensError } from "@edgelens/shared/errors";
import type { Frame, FrameOutcome, LogLevel } from "@edgelens/vision/project";
import { launchWorker, type LaunchOptions } from "./launch-worker";
import type { HostMessage, InitMessage, ModelSummary, WorkerMessage } from "./protocol";
import { fromWireError } from "./wire-error";

interface Inflight {
  id: number;
  resolve(outcome: FrameOutcome): void;
  reject(error: EdgelensError): void;
  timer: NodeJS.Timeout;
}

export interface SessionOptions extends LaunchOptions {
  init: InitMessage;
  loadTimeoutMs: number;
  onLog(level: LogLevel, message: string): void;
}

/** One project worker's life: load, frames one at a time, and the reason it ended. */
export class WorkerSession {
  readonly ready: Promise<ModelSummary[]>;
  /** Resolves with why the worker ended (never rejects). */
  readonly exited: Promise<EdgelensError>;
  alive = true;
  private readonly worker: Worker;
  private inflight: Inflight | undefined;
  private killReason: EdgelensError | undefined;
  private lastError: Error | undefined;
  private nextId = 1;
  private readonly projectId: string;

  constructor(options: SessionOptions) {
    this.projectId = options.init.projectId;
    this.worker = launchWorker(options);
    this.pipeLines(this.worker.stdout, (line) => options.onLog("info", line));
    this.pipeLines(this.worker.stderr, (line) => options.onLog("warn", line));
    this.worker.on("error", (error) => (this.lastError = error));
    this.exited = new Promise((resolve) => {
      this.worker.on("exit", (code) => {
        this.alive = false;
        const reason =
          this.killReason ??
          new EdgelensError("FUNCTION_FAILED", `the project worker stopped (exit code ${code})${this.lastError ? `: ${this.lastError.message}` : ""}`, {
            projectId: this.projectId,
            exitCode: code,
          });
        this.inflight?.reject(reason);
        resolve(reason);
      });
    });
    this.ready = new Promise<ModelSummary[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(new EdgelensError("FUNCTION_TIMEOUT", `loading the project took longer than ${options.loadTimeoutMs} ms (models + setup)`, { projectId: this.projectId }));
      }, options.loadTimeoutMs);
      void this.exited.then((reason) => {
        clearTimeout(timer);
        reject(reason);
      });
      this.worker.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") {
          clearTimeout(timer);
          resolve(message.models);
        } else if (message.type === "failed") {
          clearTimeout(timer);
          const error = fromWireError(message.error);
          error.context.projectId ??= this.projectId;
          reject(error);
        } else {
          this.onMessage(message, options);
        }
      });
    });
    // Why: callers observe `ready` through load(); this guard stops an unhandled-rejection crash
    // when a later restart fails while nobody awaits it yet.
    this.ready.catch(() => undefined);
    this.send(options.init);
  }

  process(frame: Frame, timeoutMs: number): Promise<FrameOutcome> {
    if (!this.alive) return Promise.reject(new EdgelensError("FUNCTION_FAILED", "the project worker is not running", { projectId: this.projectId }));
    if (this.inflight) return Promise.reject(new EdgelensError("INTERNAL", "a frame is already being processed", { projectId: this.projectId }));
    const id = this.nextId++;
    return new Promise<FrameOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(
          new EdgelensError("FUNCTION_TIMEOUT", `infer took longer than ${timeoutMs} ms on frame ${frame.seq}; the project worker was stopped`, {
            projectId: this.projectId,
            seq: frame.seq,
          }),
        );
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.inflight = undefined;
      };
      this.inflight = {
        id,
        timer,
        resolve: (outcome) => (settle(), resolve(outcome)),
        reject: (error) => (settle(), reject(error)),
      };
      this.send({ type: "frame", id, frame });
    });
  }

  /** Stops the worker now; `reason` becomes the error of whatever waits on it. */
  kill(reason: EdgelensError): void {
    this.killReason ??= reason;
    void this.worker.terminate();
  }

  /** Releases the models, then ends the thread (forcibly after `graceMs`). */
  async dispose(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.killReason ??= new EdgelensError("FUNCTION_FAILED", "the project was unloaded", { projectId: this.projectId });
    this.send({ type: "dispose" });
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private onMessage(message: WorkerMessage, options: SessionOptions): void {
    switch (message.type) {
      case "log":
        options.onLog(message.level, message.message);
        break;
      case "result":
        if (this.inflight?.id === message.id) this.inflight.resolve(message.outcome);
        break;
      case "frame-error":
        if (this.inflight?.id === message.id) this.inflight.reject(fromWireError(message.error));
        break;
      case "disposed":
        void this.worker.terminate();
        break;
      default:
        break;
    }
  }

  private send(message: HostMessage): void {
    this.worker.postMessage(message);
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
    if (!stream) return;
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      buffered += text;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") onLine(line);
    });
    stream.on("end", () => {
      if (buffered.trim() !== "") onLine(buffered);
    });
  }
}
