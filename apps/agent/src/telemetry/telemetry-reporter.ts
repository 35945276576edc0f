import { TelemetrySchema, type Telemetry } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import type { LinkState, Publisher } from "../mqtt/publisher";
import type { Logger } from "./logger";
import { describeError } from "./logger";

/** What the running project contributes; zeros while none runs. */
export interface PipelineFigures {
  fps: number;
  latencyMs: { p50: number; p95: number };
  droppedFrames: number;
}

/** One running project's figures; `busyMs` (its worker's time on frames) only ever grows. */
export interface ProjectFigures extends PipelineFigures {
  projectId: string;
  deploymentId: string;
  busyMs: number;
  threads?: number;
}

export interface TelemetryReporterOptions {
  deviceId: string;
  intervalMs: number;
  figures: () => PipelineFigures;
  projectFigures?: () => ProjectFigures[];
  /** After each sample (the daemon refreshes shadow/reported's per-project figures). */
  onSample?: () => void;
  spoolDepth: () => number;
  log: Logger;
}

/**
 * Every `intervalMs`: fps, latency, dropped frames, spool depth, CPU (percent of one core, all
 * threads of the process, since the last sample) and RSS, on `telemetry` at QoS 0; per project
 * its fps, latency and `cpu`: the time its worker spent on frames since the last sample, percent
 * of one core (a worker thread has no CPU clock of its own in Node: this is the worker's busy
 * time, onnxruntime's extra intra-op threads not counted). Offline samples are not kept:
 * telemetry is a gauge, the spool is for results.
 */
export class TelemetryReporter {
  private timer: NodeJS.Timeout | null = null;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private latest: Telemetry | null = null;
  /** busyMs of each deployment at the last sample. */
  private lastBusy = new Map<string, number>();

  constructor(
    private readonly publisher: Publisher,
    private readonly link: LinkState,
    private readonly options: TelemetryReporterOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The most recent sample (for /healthz). */
  last(): Telemetry | null {
    return this.latest;
  }

  sample(): Telemetry {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const elapsedUs = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const f = this.options.figures();
    const round = (v: number): number => Math.round(v * 10) / 10;
    const busy = new Map<string, number>();
    const projects = (this.options.projectFigures?.() ?? []).map((p) => {
      busy.set(p.deploymentId, p.busyMs);
      const since = p.busyMs - (this.lastBusy.get(p.deploymentId) ?? 0);
      return {
        projectId: p.projectId,
        deploymentId: p.deploymentId,
        fps: round(p.fps),
        latencyMs: { p50: round(p.latencyMs.p50), p95: round(p.latencyMs.p95) },
        cpu: round(Math.max(0, (since * 1000) / elapsedUs) * 100),
        cpuMs: Math.round(p.busyMs),
        ...(p.threads ? { threads: p.threads } : {}),
        droppedFrames: p.droppedFrames,
      };
    });
    this.lastBusy = busy;
    return TelemetrySchema.parse({
      fps: round(f.fps),
      latencyMs: { p50: round(f.latencyMs.p50), p95: round(f.latencyMs.p95) },
      cpu: round(((cpu.user + cpu.system) / elapsedUs) * 100),
      rssMb: round(process.memoryUsage.rss() / 1e6),
      droppedFrames: f.droppedFrames,
      spoolDepth: this.options.spoolDepth(),
      ...(this.options.projectFigures ? { projects } : {}),
      ts: Date.now(),
    });
  }

  private tick(): void {
    let t: Telemetry;
    try {
      t = this.sample();
    } catch (err) {
      this.options.log.error(`telemetry sample failed: ${describeError(err)}`, { code: "INTERNAL" });
      return;
    }
    this.latest = t;
    try {
      this.options.onSample?.();
    } catch (err) {
      this.options.log.warn(`after the telemetry sample: ${describeError(err)}`, { code: "INTERNAL" });
    }
    if (!this.link.connected) return;
    this.publisher.publish(topics.telemetry(this.options.deviceId), JSON.stringify(t), { qos: 0, retain: false }).catch((err: unknown) =>
      this.options.log.debug(`telemetry not sent: ${describeError(err)}`),
    );
  }
}
