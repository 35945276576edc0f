/** Rolling pipeline statistics: pure functions over timestamped samples. */

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
}

export interface LatencySample {
  /** When the result was emitted, ms. */
  at: number;
  totalMs: number;
  inferenceMs: number;
  /** The project function's whole infer call (pre-processing, models, post-processing). */
  functionMs: number;
  /** Making the model inputs, ahead on the agent's thread or inside the function. */
  prepareMs?: number;
  /** The function's time besides models and making inputs: decoding outputs, tracking, drawing. */
  postprocessMs?: number;
  /** Handing the frame to the worker and its result back: round trip less the function. */
  handoffMs?: number;
}

/** Linear interpolation between closest ranks (numpy's default); 0 for no values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (index - lo);
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

/** The samples of the last `windowMs` before `now`. */
export function samplesInWindow(samples: readonly LatencySample[], now: number, windowMs: number): LatencySample[] {
  return samples.filter((s) => s.at > now - windowMs && s.at <= now);
}

/**
 * Results per second over the window; a pipeline younger than the window is measured over its
 * age, so the first seconds do not read as slow.
 */
export function resultsPerSecond(samples: readonly LatencySample[], now: number, windowMs: number, startedAt: number): number {
  const span = Math.min(windowMs, now - startedAt);
  if (span <= 0) return 0;
  return (samplesInWindow(samples, now, windowMs).length * 1000) / span;
}

/** Drops samples older than the window, in place; returns how many remain. */
export function pruneSamples(samples: LatencySample[], now: number, windowMs: number, maxSamples: number): number {
  let drop = 0;
  while (drop < samples.length && ((samples[drop] as LatencySample).at <= now - windowMs || samples.length - drop > maxSamples)) drop++;
  samples.splice(0, drop);
  return samples.length;
}
