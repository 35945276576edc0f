/** The last `capacity` samples, for percentiles over recent behaviour rather than all time. */
export class LatencyWindow {
  private readonly buf: Float64Array;
  private next = 0;
  private size = 0;

  constructor(capacity = 512) {
    this.buf = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.buf[this.next] = ms;
    this.next = (this.next + 1) % this.buf.length;
    this.size = Math.min(this.size + 1, this.buf.length);
  }

  /** Nearest-rank percentile (p in 0..100); 0 with no samples. */
  percentile(p: number): number {
    if (this.size === 0) return 0;
    const sorted = Array.from(this.buf.subarray(0, this.size)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }

  count(): number {
    return this.size;
  }

  clear(): void {
    this.next = 0;
    this.size = 0;
  }
}
