/** Sequential GETs against one server, timed until the body has been read. */
export interface TimedResponse {
  ms: number;
  status: number;
  body: string;
}

export async function timedGet(url: string, headers: Record<string, string>): Promise<TimedResponse> {
  const started = performance.now();
  const res = await fetch(url, { headers, redirect: "manual" });
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, body };
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

const round = (v: number): number => Math.round(v * 100) / 100;

/** Nearest-rank percentiles of the samples. */
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
  return { n: s.length, p50: round(rank(50)), p95: round(rank(95)), max: round(s.at(-1) ?? Number.NaN) };
}
