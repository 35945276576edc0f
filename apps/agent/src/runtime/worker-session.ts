import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Duplex } from "node:stream";
import type { FaceGallery } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import type { FrameWithInputs } from "@edgelens/vision/preprocess";
import type { Frame, FrameOutcome, LogLevel } from "@edgelens/vision/project";
import { FrameChannel } from "./frame-channel";
import { encodeFrame } from "./frame-wire";
import { launchWorker, type LaunchOptions } from "./launch-worker";
import type { HostMessage, InitMessage, ModelSummary, WorkerMessage } from "./protocol";
import { RssWatchdog } from "./rss-watchdog";
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
  /** Resident memory of the sandbox process past which it is killed. */
  maxRssMb: number;
  onLog(level: LogLevel, message: string): void;
}

/** What the sandbox may send: results and log lines are small; more is a broken or hostile peer. */
const FROM_SANDBOX = { maxHeaderBytes: 8 * 1024 * 1024, maxBodyBytes: 0 };

/** One function sandbox's life: load, frames one at a time, and the reason it ended. */
export class WorkerSession {
  readonly ready: Promise<ModelSummary[]>;
  /** Resolves with why the sandbox ended (never rejects). */
  readonly exited: Promise<EdgelensError>;
  alive = true;
  private readonly child: ChildProcess;
  private readonly channel: FrameChannel<WorkerMessage, HostMessage>;
  private readonly watchdog: RssWatchdog | undefined;
  private inflight: Inflight | undefined;
  private killReason: EdgelensError | undefined;
  private lastStderr = "";
  /** The error user code threw outside infer, as the sandbox reported it before exiting. */
  private crash: string | undefined;
  private nextId = 1;
  private readonly projectId: string;
  /** `gallery` messages the sandbox has not answered yet, by id. */
  private readonly galleryAcks = new Map<number, { resolve(): void; reject(error: EdgelensError): void }>();

  constructor(options: SessionOptions) {
    this.projectId = options.init.projectId;
    this.child = launchWorker(options);
    this.pipeLines(this.child.stdout, (line) => options.onLog("info", line));
    this.pipeLines(this.child.stderr, (line) => {
      this.lastStderr = line;
      options.onLog("warn", line);
    });
    this.child.on("error", (error) => this.kill(new EdgelensError("FUNCTION_FAILED", `the function sandbox did not start: ${error.message}`, { projectId: this.projectId })));
    let onReady: ((message: WorkerMessage) => void) | undefined;
    this.channel = new FrameChannel<WorkerMessage, HostMessage>(
      this.child.stdio[3] as Duplex,
      FROM_SANDBOX,
      (message) => (onReady && (message.type === "ready" || message.type === "failed") ? onReady(message) : this.onMessage(message, options)),
      (error) => {
        // A peer that is gone (killed, crashed) is reported by the exit event, with its reason.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ECONNRESET" || code === "EPIPE") return;
        this.kill(new EdgelensError("FUNCTION_FAILED", `the function sandbox broke its channel: ${error.message}`, { projectId: this.projectId }));
      },
    );
    if (this.child.pid !== undefined) {
      this.watchdog = new RssWatchdog(this.child.pid, options.maxRssMb, (rssMb) =>
        this.kill(
          new EdgelensError("FUNCTION_FAILED", `the function used ${rssMb} MB of memory (RSS), over its ${options.maxRssMb} MB limit: its sandbox was stopped`, {
            projectId: this.projectId,
            rssMb,
            maxRssMb: options.maxRssMb,
          }),
        ),
      );
    }
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.alive = false;
        this.watchdog?.stop();
        const detail = this.crash ?? this.lastStderr;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const reason =
          this.killReason ??
          new EdgelensError("FUNCTION_FAILED", `the function sandbox stopped (${how})${detail ? `: ${detail}` : ""}`, {
            projectId: this.projectId,
            exitCode: code,
          });
        this.inflight?.reject(reason);
        // Why not rejected: the handle restarts the sandbox from its init, which already holds the new gallery.
        for (const ack of this.galleryAcks.values()) ack.resolve();
        this.galleryAcks.clear();
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
      onReady = (message) => {
        onReady = undefined;
        clearTimeout(timer);
        if (message.type === "ready") resolve(message.models);
        else if (message.type === "failed") {
          const error = fromWireError(message.error);
          error.context.projectId ??= this.projectId;
          reject(error);
        }
      };
    });
    // Why: callers observe `ready` through load(); this guard stops an unhandled-rejection crash
    // when a later restart fails while nobody awaits it yet.
    this.ready.catch(() => undefined);
    this.sendProject(options.init).catch((error: unknown) => {
      const reason = error instanceof EdgelensError ? error : new EdgelensError("FUNCTION_FAILED", String(error), { projectId: this.projectId });
      this.kill(reason);
    });
  }

  process(frame: Frame & FrameWithInputs, timeoutMs: number): Promise<FrameOutcome> {
    if (!this.alive) return Promise.reject(new EdgelensError("FUNCTION_FAILED", "the function sandbox is not running", { projectId: this.projectId }));
    if (this.inflight) return Promise.reject(new EdgelensError("INTERNAL", "a frame is already being processed", { projectId: this.projectId }));
    const id = this.nextId++;
    return new Promise<FrameOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(
          new EdgelensError("FUNCTION_TIMEOUT", `infer took longer than ${timeoutMs} ms on frame ${frame.seq}; the function sandbox was stopped`, {
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
      const { message, body } = encodeFrame(id, frame);
      this.channel.send(message, body);
    });
  }

  /** A new gallery for the running function: resolves once it is in use from the next frame on. */
  setGallery(gallery: FaceGallery | null): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.galleryAcks.set(id, { resolve, reject });
      this.channel.send({ type: "gallery", id, gallery });
    });
  }

  /** Stops the sandbox now; `reason` becomes the error of whatever waits on it. */
  kill(reason: EdgelensError): void {
    this.killReason ??= reason;
    this.child.kill("SIGKILL");
  }

  /** Releases the models, then ends the process (forcibly after `graceMs`). */
  async dispose(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.killReason ??= new EdgelensError("FUNCTION_FAILED", "the project was unloaded", { projectId: this.projectId });
    this.channel.send({ type: "dispose" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The sandbox may not read the data dir: the agent reads the function and models, and sends them. */
  private async sendProject(init: InitMessage): Promise<void> {
    const code =
      init.code ??
      (await readFile(init.codePath ?? "", "utf8").catch((error: Error) => {
        throw new EdgelensError("FUNCTION_FAILED", `cannot read the function ${init.codePath}: ${error.message}`, { projectId: this.projectId, path: init.codePath });
      }));
    for (const [name, path] of Object.entries(init.models)) {
      const bytes = await readFile(path).catch((error: Error) => {
        throw new EdgelensError("MODEL_LOAD_FAILED", `model "${name}" (${path}) failed to load: ${error.message}`, { projectId: this.projectId, model: name, path });
      });
      if (!this.alive) return;
      this.channel.send({ type: "model", name, path }, bytes);
    }
    const { projectId, config, gallery, threads, maxArrayBufferMb } = init;
    this.channel.send({ type: "start", projectId, code, config, ...(gallery ? { gallery } : {}), ...(threads ? { threads } : {}), ...(maxArrayBufferMb ? { maxArrayBufferMb } : {}) });
  }

  private onMessage(message: WorkerMessage, options: SessionOptions): void {
    switch (message.type) {
      case "log":
        options.onLog(message.level, String(message.message));
        break;
      case "result":
        // Sampled now too: a frame that grew memory fails, rather than the next one.
        if (this.watchdog?.check()) break;
        if (this.inflight?.id === message.id) this.inflight.resolve(message.outcome);
        break;
      case "gallery-set": {
        const ack = this.galleryAcks.get(message.id);
        this.galleryAcks.delete(message.id);
        if (message.error) ack?.reject(fromWireError(message.error));
        else ack?.resolve();
        break;
      }
      case "crashed":
        this.crash = String(message.error.message);
        break;
      case "frame-error":
        if (this.inflight?.id === message.id) this.inflight.reject(fromWireError(message.error));
        break;
      case "disposed":
        this.child.kill("SIGKILL");
        break;
      default:
        break;
    }
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
