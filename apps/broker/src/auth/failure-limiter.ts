/**
 * Failed logins per client IP in a fixed one-minute window. Past the limit, the IP's CONNECTs
 * are refused before any check: a guessing client costs neither scrypt time nor log lines.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  blocked(ip: string, now = Date.now()): boolean {
    const w = this.windows.get(ip);
    if (!w) return false;
    if (now - w.start >= this.windowMs) {
      this.windows.delete(ip);
      return false;
    }
    return w.failures >= this.perMinute;
  }

  fail(ip: string, now = Date.now()): void {
    const w = this.windows.get(ip);
    if (w && now - w.start < this.windowMs) {
      w.failures++;
      return;
    }
    if (this.windows.size > 10_000) this.prune(now);
    this.windows.set(ip, { start: now, failures: 1 });
  }

  private prune(now: number): void {
    for (const [ip, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(ip);
  }
}
