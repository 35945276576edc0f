/**
 * Per-minute counts of inference results and people, fed by the console's subscription to
 * every device's `infer` topic. Pure aggregation: `record` takes a parsed result.
 */
import type { InferenceResult } from "@edgelens/shared";

export interface MinuteBucket {
  minute: number;
  results: number;
  people: number;
}

const MINUTE_MS = 60_000;

/** People seen in one result: the function's own count when it gives one, else person boxes. */
export function peopleIn(result: Pick<InferenceResult, "counts" | "detections">): number {
  const counted = result.counts?.person;
  if (typeof counted === "number" && Number.isFinite(counted)) return Math.max(0, counted);
  return result.detections?.filter((d) => d.label === "person").length ?? 0;
}

export class InferCounter {
  readonly since: number;
  private readonly buckets = new Map<number, { results: number; peakByDevice: Map<string, number> }>();

  constructor(
    private readonly windowMinutes = 60,
    now = Date.now(),
  ) {
    this.since = now;
  }

  record(result: Pick<InferenceResult, "deviceId" | "counts" | "detections">, now = Date.now()): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    let bucket = this.buckets.get(minute);
    if (!bucket) {
      bucket = { results: 0, peakByDevice: new Map() };
      this.buckets.set(minute, bucket);
      this.expire(minute);
    }
    bucket.results += 1;
    // A person stays in view across many frames: the minute's figure is each device's peak.
    const people = peopleIn(result);
    bucket.peakByDevice.set(result.deviceId, Math.max(people, bucket.peakByDevice.get(result.deviceId) ?? 0));
  }

  /** The last `windowMinutes` minutes, oldest first, zero-filled. */
  series(now = Date.now()): MinuteBucket[] {
    const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const out: MinuteBucket[] = [];
    for (let i = this.windowMinutes - 1; i >= 0; i--) {
      const minute = current - i * MINUTE_MS;
      const b = this.buckets.get(minute);
      let people = 0;
      for (const p of b?.peakByDevice.values() ?? []) people += p;
      out.push({ minute, results: b?.results ?? 0, people });
    }
    return out;
  }

  private expire(current: number): void {
    for (const minute of this.buckets.keys()) if (minute <= current - this.windowMinutes * MINUTE_MS) this.buckets.delete(minute);
  }
}
