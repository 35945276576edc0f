import { EventEmitter } from "node:events";
import type { FunctionOutput } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import { renderDrawOps } from "@edgelens/vision/overlay";
import type { ClipAsk, DrawOp, Frame } from "@edgelens/vision/project";
import type { ProcessResult } from "../runtime/project-handle";
import { InputPreparer, type PreparedFrame } from "./input-preparer";
import { pruneSamples, resultsPerSecond, samplesInWindow, summarizeLatencies, type LatencySample, type LatencySummary } from "./latency-stats";

/** What runs the project on a frame: a ProjectHandle, or anything shaped like one. */
export interface FrameProcessor {
  process(frame: PreparedFrame): Promise<ProcessResult>;
}

export interface FrameMeta {
  seq: number;
  ts: number;
  width: number;
  height: number;
}

export interface PipelineResult {
  frame: FrameMeta;
  output: FunctionOutput | null;
  published: FunctionOutput[];
  overlay: DrawOp[];
  /** Clips the function asked for with ctx.clip on this frame. */
  clips?: ClipAsk[];
  latencyMs: {
    /** Frame capture to this result being handed on for publishing. */
    total: number;
    /** Capture to the project taking the frame (time spent waiting). */
    queue: number;
    /** Models running. */
    inference: number;
    /** The project function, models included. */
    function: number;
    /** Making the model inputs: ahead on the agent's thread, or inside the function. */
    prepare?: number;
    /** True when the inputs were ready before the function asked for them. */
    preparedAhead?: boolean;
  };
}

export interface PipelineFrameError {
  frame: FrameMeta;
  error: EdgelensError;
}

export interface PipelineEvents {
  result: [result: PipelineResult];
  "frame-error": [failure: PipelineFrameError];
}

export interface PipelineStats {
  /** Results per second over the window. */
  fps: number;
  /** Frame capture to result. */
  latencyMs: LatencySummary;
  /** Models running. */
  inferenceMs: LatencySummary;
  /** The function's infer call, models included. */
  functionMs: LatencySummary;
  /** Per-stage breakdown (see LatencySample). */
  prepareMs: LatencySummary;
  postprocessMs: LatencySummary;
  handoffMs: LatencySummary;
  framesIn: number;
  processed: number;
  /** Frames replaced by a newer one while the project was busy. */
  dropped: number;
  errors: number;
  windowMs: number;
}

export interface PipelineOptions {
  project?: FrameProcessor | null;
  /**
   * "latest" (device): while the project is busy only the newest frame waits, older ones are
   * dropped and counted. "ordered" (simulator): every frame in order, one waiting while the
   * previous one is processed, the source held until that place is free. "every": the source
   * waits for each frame to be processed (nothing overlaps). While a frame waits (latest, ordered)
   * its model inputs are prepared (see input-preparer.ts).
   */
  policy?: "latest" | "ordered" | "every";
  statsWindowMs?: number;
  /**
   * Called once per frame when the pipeline holds it no more (not the latest, waiting, in process
   * or the last processed one): a source's FramePool can take its memory back.
   */
  releaseFrame?: (frame: Frame) => void;
  /** Clock, ms since the epoch (frame timestamps use the same clock). */
  now?: () => number;
}

const MAX_SAMPLES = 4096;
// Why: a timer fires late on a busy machine; preparing a little early costs at most one extra preparation.
const PREPARE_MARGIN_MS = 5;
// The shortest of the last few: preparing too early wastes one preparation, too late all of them.
const ROUND_TRIPS_KEPT = 8;

const metaOf = (f: Frame): FrameMeta => ({ seq: f.seq, ts: f.ts, width: f.width, height: f.height });

/** Frames in, one result per processed frame out, with rolling stats and the latest frames kept for preview. */
export class Pipeline extends EventEmitter<PipelineEvents> {
  private project: FrameProcessor | null;
  private readonly policy: "latest" | "ordered" | "every";
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly samples: LatencySample[] = [];
  private counters = { framesIn: 0, processed: 0, dropped: 0, errors: 0 };
  private busy: Promise<void> | undefined;
  private waiting: PreparedFrame | undefined;
  private readonly preparer = new InputPreparer();
  private slotFreed: (() => void)[] = [];
  private current: Frame | undefined;
  /** "latest": frames arriving now are prepared at once (the frame in process is near its end). */
  private prepareArrivals = false;
  private prepareTimer: NodeJS.Timeout | undefined;
  /** The project's last round trips (the shortest is the estimate), and preparing's moving average. */
  private readonly roundTrips: number[] = [];
  private preparingMs = 0;
  /** Frame memory received and not given back yet: each frame goes back once. */
  private readonly live = new WeakSet<Uint8Array>();
  private readonly releaseFrame: ((frame: Frame) => void) | undefined;
  private latest: Frame | undefined;
  private lastProcessed: { frame: Frame; overlay: DrawOp[] } | undefined;
  private annotated: Frame | undefined;

  constructor(options: PipelineOptions = {}) {
    super();
    this.project = options.project ?? null;
    this.policy = options.policy ?? "latest";
    this.windowMs = options.statsWindowMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.releaseFrame = options.releaseFrame;
    this.startedAt = this.now();
  }

  /** The FrameHandler to give a source: `source.start(pipeline.onFrame)`. */
  readonly onFrame = (frame: Frame): void | Promise<void> => {
    const previous = this.latest;
    this.latest = frame;
    this.live.add(frame.data);
    this.counters.framesIn += 1;
    try {
      return this.route(frame);
    } finally {
      this.letGo(previous);
    }
  };

  private route(frame: Frame): void | Promise<void> {
    if (!this.project) return;
    if (this.policy === "every") return this.processOne(frame, this.project);
    if (!this.busy) return this.startDrain(frame);
    if (this.policy === "ordered") return this.handOff(frame);
    const replaced = this.waiting;
    this.waiting = this.prepareArrivals ? this.preparer.prepare(frame) : frame;
    if (replaced) {
      this.counters.dropped += 1;
      this.preparer.release(replaced);
      this.letGo(replaced);
    }
  }

  /**
   * "latest": a camera delivers several frames while a model runs, and all but the last are
   * dropped; preparing each would take the CPU the model needs. So the waiting frame is prepared
   * once, shortly before the frame in process is expected to finish, and only frames arriving
   * after that are prepared as they come.
   */
  private schedulePrepare(): void {
    clearTimeout(this.prepareTimer);
    this.prepareArrivals = false;
    // Without a round trip yet there is no plan either (it comes with a result): nothing to prepare.
    if (this.policy !== "latest" || this.roundTrips.length === 0) return;
    const lead = Math.min(...this.roundTrips) - 2 * this.preparingMs - PREPARE_MARGIN_MS;
    if (!(lead > 0)) {
      this.prepareArrivals = true;
      return;
    }
    this.prepareTimer = setTimeout(() => {
      this.prepareArrivals = true;
      if (this.waiting && !this.waiting.prepared) this.waiting = this.preparer.prepare(this.waiting);
    }, lead);
    this.prepareTimer.unref();
  }

  private learnTimes(frame: PreparedFrame, result: ProcessResult): void {
    this.roundTrips.push(result.roundTripMs);
    if (this.roundTrips.length > ROUND_TRIPS_KEPT) this.roundTrips.shift();
    const prepared = this.preparer.preparedMs(frame) || (result.prepareMs ?? 0);
    if (prepared > 0) this.preparingMs = this.preparingMs === 0 ? prepared : this.preparingMs + (prepared - this.preparingMs) * 0.2;
  }

  /** Gives a frame back to its source's pool once nothing here refers to its memory. */
  private letGo(frame: Frame | undefined): void {
    if (!frame || !this.releaseFrame || !this.live.has(frame.data)) return;
    const data = frame.data;
    if (this.latest?.data === data || this.waiting?.data === data || this.current?.data === data || this.lastProcessed?.frame.data === data) return;
    this.live.delete(data);
    this.releaseFrame(frame);
  }

  /** Swaps the project; a frame in flight finishes on the old one. `null` pauses processing. */
  setProject(project: FrameProcessor | null): void {
    this.project = project;
  }

  /** The newest frame from the source (device stream). */
  get latestFrame(): Frame | undefined {
    return this.latest;
  }

  /** The last processed frame with its overlay drawn on a copy (project stream); built once per frame. */
  latestAnnotated(): Frame | undefined {
    if (!this.lastProcessed) return undefined;
    if (!this.annotated) {
      const { frame, overlay } = this.lastProcessed;
      const copy = { ...frame, data: new Uint8Array(frame.data) };
      renderDrawOps(copy, overlay);
      this.annotated = copy;
    }
    return this.annotated;
  }

  stats(): PipelineStats {
    const now = this.now();
    pruneSamples(this.samples, now, this.windowMs, MAX_SAMPLES);
    const recent = samplesInWindow(this.samples, now, this.windowMs);
    return {
      fps: resultsPerSecond(this.samples, now, this.windowMs, this.startedAt),
      latencyMs: summarizeLatencies(recent.map((s) => s.totalMs)),
      inferenceMs: summarizeLatencies(recent.map((s) => s.inferenceMs)),
      functionMs: summarizeLatencies(recent.map((s) => s.functionMs)),
      prepareMs: summarizeLatencies(recent.map((s) => s.prepareMs ?? 0)),
      postprocessMs: summarizeLatencies(recent.map((s) => s.postprocessMs ?? 0)),
      handoffMs: summarizeLatencies(recent.map((s) => s.handoffMs ?? 0)),
      ...this.counters,
      windowMs: this.windowMs,
    };
  }

  /** Resolves when no frame is being processed or waiting. */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /**
   * A `result` listener threw. In "every" mode that reaches the source (and its wait()); here
   * nobody awaits the frame, so it becomes a frame-error, and if that listener throws too, a
   * process warning: never an unhandled rejection that would end the agent.
   */
  private listenerFailed(frame: Frame, error: unknown): void {
    this.counters.errors += 1;
    const failure = new EdgelensError("INTERNAL", `a result listener failed on frame ${frame.seq}: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
    try {
      this.emit("frame-error", { frame: metaOf(frame), error: failure });
    } catch (again) {
      process.emitWarning(`${failure.message}; then the frame-error listener failed: ${String(again)}`, "EdgelensPipelineWarning");
    }
  }

  private startDrain(frame: Frame): void {
    this.busy = this.drain(frame)
      .catch((error: unknown) => this.listenerFailed(frame, error))
      .finally(() => {
        this.busy = undefined;
        this.wakeSource();
      });
  }

  /** "ordered": waits for the one place beside the frame in process, then takes it. */
  private async handOff(frame: Frame): Promise<void> {
    while (this.busy && this.waiting) await new Promise<void>((resolve) => this.slotFreed.push(resolve));
    if (!this.busy) {
      if (this.project) this.startDrain(frame);
      return;
    }
    this.waiting = this.preparer.prepare(frame);
  }

  private wakeSource(): void {
    for (const wake of this.slotFreed.splice(0)) wake();
  }

  private async drain(first: Frame): Promise<void> {
    let next: PreparedFrame | undefined = first;
    while (next && this.project) {
      await this.processOne(next, this.project);
      next = this.waiting;
      this.waiting = undefined;
      this.wakeSource();
    }
    // The project was taken away with a frame waiting: that frame is not processed.
    if (next) {
      this.preparer.release(next);
      this.letGo(next);
    }
  }

  private async processOne(frame: PreparedFrame, project: FrameProcessor): Promise<void> {
    const taken = this.now();
    this.current = frame;
    this.schedulePrepare();
    let result: ProcessResult;
    try {
      result = await project.process(frame);
    } catch (error) {
      clearTimeout(this.prepareTimer);
      this.current = undefined;
      this.preparer.release(frame);
      this.letGo(frame);
      this.counters.errors += 1;
      const failure = error instanceof EdgelensError ? error : new EdgelensError("FUNCTION_FAILED", String(error), {}, { cause: error });
      this.emit("frame-error", { frame: metaOf(frame), error: failure });
      return;
    }
    clearTimeout(this.prepareTimer);
    this.learnTimes(frame, result);
    this.preparer.release(frame);
    this.preparer.learn(result.inputs);
    const ahead = this.preparer.preparedMs(frame);
    const done = this.now();
    this.counters.processed += 1;
    this.current = undefined;
    const { prepared: _prepared, ...plain } = frame;
    const before = this.lastProcessed?.frame;
    this.lastProcessed = { frame: plain, overlay: result.overlay };
    this.letGo(before);
    this.annotated = undefined;
    const total = Math.max(0, done - frame.ts);
    const inWorker = result.prepareMs ?? 0;
    this.samples.push({
      at: done,
      totalMs: total,
      inferenceMs: result.inferenceMs,
      functionMs: result.totalMs,
      prepareMs: ahead + inWorker,
      postprocessMs: Math.max(0, result.totalMs - result.inferenceMs - inWorker),
      handoffMs: Math.max(0, (result.roundTripMs ?? result.totalMs) - result.totalMs),
    });
    if (this.samples.length > MAX_SAMPLES) pruneSamples(this.samples, done, this.windowMs, MAX_SAMPLES);
    this.emit("result", {
      frame: metaOf(frame),
      output: result.output,
      published: result.published,
      overlay: result.overlay,
      ...(result.clips ? { clips: result.clips } : {}),
      latencyMs: {
        total,
        queue: Math.max(0, taken - frame.ts),
        inference: result.inferenceMs,
        function: result.totalMs,
        prepare: ahead + inWorker,
        // From the function's side: a prepared input it actually used, and none it made itself.
        preparedAhead: (result.preparedHits ?? 0) > 0 && inWorker === 0,
      },
    });
  }
}
