import { EdgelensError } from "@edgelens/shared/errors";
import { SOAK_DEFAULTS, type DesiredProject } from "@edgelens/shared/schemas";

/** What the soak needs to know, in ms and results per second. */
export interface SoakParams {
  soakMs: number;
  /** Results per second the project must reach over the window (0: any result will do). */
  minFps: number;
  /** The baseline `minFps` came from, for the reason when it fails. */
  baseline: { fps: number; from: "previous version" | "configured fps" } | null;
  /** Worker restarts within the window that make a crash loop. */
  maxWorkerRestarts: number;
  /** At the end, the last result must be at most this old (results still flowing). */
  maxSilenceMs: number;
}

/** One look at the running project: counters since it started (they never go down for one worker). */
export interface SoakSample {
  /** The deployment that runs now (another one: the soak is over, superseded). */
  deploymentId: string;
  results: number;
  workerRestarts: number;
}

export type SoakVerdict = { passed: true; summary: string } | { passed: false; error: EdgelensError };

/**
 * The soak's parameters for a deployment with `health`: the baseline is the fps the previous
 * version achieved on this device (capped by the new version's configured fps: asking for fewer
 * frames is no failure), else the configured fps, else none (results must only flow).
 */
export function soakParamsOf(entry: DesiredProject, previousFps: number | null): SoakParams | null {
  const health = entry.health;
  if (!health) return null;
  const configured = entry.config.fps;
  const baseline =
    previousFps !== null && previousFps > 0
      ? { fps: configured !== undefined ? Math.min(previousFps, configured) : previousFps, from: "previous version" as const }
      : configured !== undefined
        ? { fps: configured, from: "configured fps" as const }
        : null;
  const ratio = health.minFpsRatio ?? SOAK_DEFAULTS.minFpsRatio;
  const soakMs = (health.soakSeconds ?? SOAK_DEFAULTS.soakSeconds) * 1000;
  // Three frame periods of the baseline, at least 5 s (a busy device hiccups), at most the window.
  const maxSilenceMs = Math.min(soakMs, Math.max(5000, baseline ? 3000 / baseline.fps : 0));
  return { soakMs, minFps: baseline ? baseline.fps * ratio : 0, baseline, maxWorkerRestarts: SOAK_DEFAULTS.maxWorkerRestarts, maxSilenceMs };
}

/**
 * Judges one soak from samples of the running project: a crash loop fails it at once, the
 * rest (results still flowing, results per second against the baseline) when the window ends.
 */
export class SoakJudge {
  private first: SoakSample | null = null;
  private last: SoakSample | null = null;
  private restarts = 0;
  private lastResultAt: number;

  constructor(
    private readonly deploymentId: string,
    private readonly params: SoakParams,
    private readonly startedAt: number,
  ) {
    this.lastResultAt = startedAt;
  }

  get endsAt(): number {
    return this.startedAt + this.params.soakMs;
  }

  /** A verdict when one is due (a crash loop, the window's end), else undefined. */
  sample(s: SoakSample, now: number): SoakVerdict | undefined {
    const ctx = { deploymentId: this.deploymentId };
    if (this.last) {
      // A new worker (restart-project) starts counting again: count what grew.
      this.restarts += Math.max(0, s.workerRestarts - this.last.workerRestarts);
      if (s.results !== this.last.results) this.lastResultAt = now;
    }
    this.first ??= s;
    this.last = s;
    const p = this.params;
    if (this.restarts >= p.maxWorkerRestarts) {
      return { passed: false, error: new EdgelensError("SOAK_FAILED", `crash loop: the worker restarted ${this.restarts} times within ${seconds(now - this.startedAt)} of its soak`, ctx) };
    }
    if (now < this.endsAt) return undefined;
    const elapsedMs = Math.max(1, now - this.startedAt);
    const results = Math.max(0, s.results - this.first.results);
    const fps = (results * 1000) / elapsedMs;
    const silentMs = now - this.lastResultAt;
    if (results === 0) return { passed: false, error: new EdgelensError("SOAK_FAILED", `no results in its ${seconds(elapsedMs)} soak`, ctx) };
    if (silentMs > p.maxSilenceMs) {
      return { passed: false, error: new EdgelensError("SOAK_FAILED", `results stopped: none in the last ${seconds(silentMs)} of its soak (${results} before)`, ctx) };
    }
    if (fps < p.minFps && p.baseline) {
      const why = `${fps.toFixed(2)} results/s over its ${seconds(elapsedMs)} soak, below ${p.minFps.toFixed(2)} (${((p.minFps / p.baseline.fps) * 100).toFixed(0)}% of ${p.baseline.fps.toFixed(2)} fps, the ${p.baseline.from})`;
      return { passed: false, error: new EdgelensError("SOAK_FAILED", why, ctx) };
    }
    return { passed: true, summary: `${results} results in ${seconds(elapsedMs)} (${fps.toFixed(2)}/s), ${this.restarts} worker restart(s)` };
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The soaks under way, one per project: each samples its project every `sampleMs` and hands its
 * verdict to `onVerdict` once. Timers only: the manager acts on the verdict.
 */
export class SoakWatches {
  private readonly active = new Map<string, { judge: SoakJudge; timer: NodeJS.Timeout; deploymentId: string; settle: (v: SoakVerdict) => void }>();

  constructor(
    private readonly probe: (projectId: string) => SoakSample | null,
    /** A soak ended without a verdict (cancelled, superseded, removed, the agent stopping). */
    private readonly onCancel: (deploymentId: string) => void = () => undefined,
    private readonly sampleMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts (or restarts) the soak of `projectId`; `onVerdict` is called once unless it is cancelled. */
  start(projectId: string, deploymentId: string, params: SoakParams, onVerdict: (v: SoakVerdict) => void): number {
    this.cancel(projectId);
    const judge = new SoakJudge(deploymentId, params, this.now());
    const settle = (v: SoakVerdict): void => {
      if (this.active.get(projectId)?.judge !== judge) return;
      this.end(projectId);
      onVerdict(v);
    };
    const tick = (): void => {
      const s = this.probe(projectId);
      // Removed, or a newer deployment took over: that one is judged (or not) on its own.
      if (!s || s.deploymentId !== deploymentId) {
        if (this.active.get(projectId)?.judge === judge) this.cancel(projectId);
        return;
      }
      const v = judge.sample(s, this.now());
      if (v) settle(v);
    };
    const timer = setInterval(tick, this.sampleMs);
    // The agent's stop ends soaks; this one alone never holds the process open.
    timer.unref();
    this.active.set(projectId, { judge, timer, deploymentId, settle });
    tick();
    return judge.endsAt;
  }

  /** The soak of this deployment fails now (it degraded: most of its frames fail). */
  fail(deploymentId: string, error: EdgelensError): boolean {
    const found = [...this.active.values()].find((a) => a.deploymentId === deploymentId);
    if (!found) return false;
    found.settle({ passed: false, error: new EdgelensError("SOAK_FAILED", `it degraded: ${error.message}`, { deploymentId }, { cause: error }) });
    return true;
  }

  /** Whether the soak of this deployment is under way. */
  has(deploymentId: string): boolean {
    return [...this.active.values()].some((a) => a.deploymentId === deploymentId);
  }

  /** Ends the soak of `projectId` without a verdict (a newer deployment, a removal, the agent stopping). */
  cancel(projectId: string): void {
    const a = this.end(projectId);
    if (a) this.onCancel(a.deploymentId);
  }

  private end(projectId: string): { deploymentId: string } | undefined {
    const a = this.active.get(projectId);
    if (!a) return undefined;
    clearInterval(a.timer);
    this.active.delete(projectId);
    return a;
  }

  stop(): void {
    for (const id of [...this.active.keys()]) this.cancel(id);
  }
}
