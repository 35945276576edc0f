/** Small statistics shared by the agent benchmarks. */
export const round = (v: number): number => Math.round(v * 100) / 100;

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** `--seconds N` from argv, else the default. */
export function secondsArg(def: number): number {
  const i = process.argv.indexOf("--seconds");
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--seconds must be a positive number`);
  return v;
}
