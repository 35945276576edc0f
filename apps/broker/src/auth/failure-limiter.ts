/**
 * Failed logins per key in a fixed one-minute window; the key is (username, client IP), so a
 * client guessing one username locks out only that username from its address, never another
 * device or browser behind the same address (a NAT, the reverse proxy). Past the limit, that
 * key's CONNECTs are refused before any check: guessing costs neither scrypt time nor log lines.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  blocked(key: string, now = Date.now()): boolean {
    const w = this.windows.get(key);
    if (!w) return false;
    if (now - w.start >= this.windowMs) {
      this.windows.delete(key);
      return false;
    }
    return w.failures >= this.perMinute;
  }

  fail(key: string, now = Date.now()): void {
    const w = this.windows.get(key);
    if (w && now - w.start < this.windowMs) {
      w.failures++;
      return;
    }
    if (this.windows.size > 10_000) this.prune(now);
    this.windows.set(key, { start: now, failures: 1 });
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

/** The limiter key of one CONNECT: its username (empty when none) and its client address. */
export function failureKey(username: string | undefined, ip: string): string {
  return `${username ?? ""}\u0000${ip}`;
}
