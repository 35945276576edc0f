import { EventEmitter } from "node:events";
import { EdgelensError } from "@edgelens/shared/errors";
import type { BackoffOptions, FrameHandler, FrameSource, FrameSourceEvents, SourceOptions } from "./frame-source";
import type { SourceKind } from "./source-uri";

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Delay before restart number `attempt` (1-based): doubling from baseMs, capped at maxMs. */
export function restartDelay(attempt: number, backoff: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Marks an error thrown by the frame handler: the consumer's failure ends the source, no restart. */
class ConsumerFailure extends Error {
  constructor(readonly original: unknown) {
    super("frame handler failed");
  }
}

export type DeliverFrame = (data: Uint8Array, width: number, height: number) => Promise<void>;

/** What one run of a source gave: frames delivered, and whether the source is finished. */
export interface RunOutcome {
  frames: number;
  finished: boolean;
}

/**
 * The restart loop shared by every source: run, and when a run fails report it, wait with backoff
 * and run again, until stopped. Subclasses implement one run.
 */
export abstract class RestartingSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  frames = 0;
  protected stopped = false;
  private seq = 0;
  private delivering = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  protected constructor(
    readonly kind: SourceKind,
    readonly description: string,
    protected readonly options: SourceOptions,
  ) {
    super();
  }

  /** One run of the source; throws an EdgelensError SOURCE_FAILED when it fails. */
  protected abstract runOnce(deliver: DeliverFrame): Promise<RunOutcome>;

  /** Ends the current run early (stop). */
  protected abstract interrupt(): void;

  start(onFrame: FrameHandler): void {
    if (this.running) throw new EdgelensError("SOURCE_FAILED", `${this.description}: already started`);
    const deliver: DeliverFrame = async (data, width, height) => {
      if (this.stopped) return;
      const frame = { data, width, height, seq: this.seq++, ts: Date.now() };
      this.frames += 1;
      this.delivering = true;
      try {
        await onFrame(frame);
      } catch (error) {
        throw new ConsumerFailure(error);
      } finally {
        this.delivering = false;
      }
    };
    this.running = this.runUntilStopped(deliver);
    // Why: wait() is how callers observe the end; an unobserved rejection must not kill the process.
    this.running.catch(() => undefined);
  }

  /** From inside the frame handler it cannot wait for the run (the run waits for the handler). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt();
    this.wake?.();
    if (!this.delivering) await this.running?.catch(() => undefined);
  }

  wait(): Promise<void> {
    return this.running ?? Promise.reject(new EdgelensError("SOURCE_FAILED", `${this.description}: not started`));
  }

  private async runUntilStopped(deliver: DeliverFrame): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        const outcome = await this.runOnce(deliver);
        if (outcome.frames > 0) attempt = 0;
        if (this.stopped) return;
        if (outcome.finished) {
          this.emit("end");
          return;
        }
      } catch (error) {
        if (error instanceof ConsumerFailure) throw error.original;
        if (this.stopped) return;
        const failure =
          error instanceof EdgelensError ? error : new EdgelensError("SOURCE_FAILED", `${this.description}: ${String(error)}`, { source: this.description }, { cause: error });
        if (this.listenerCount("error") > 0) this.emit("error", failure);
        if (this.options.restart === false) throw failure;
        attempt += 1;
        const delayMs = restartDelay(attempt, this.options.backoff);
        this.emit("restart", { attempt, delayMs, error: failure });
        await this.sleep(delayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
