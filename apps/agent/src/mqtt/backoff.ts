export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Fraction of the delay drawn at random, so a fleet does not reconnect in step. */
  jitter: number;
}

/** Exponential backoff: min, 2*min, 4*min ... capped at max; reset after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.options.maxMs, this.options.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const spread = base * this.options.jitter;
    return Math.round(base - spread + this.random() * spread);
  }

  reset(): void {
    this.attempt = 0;
  }
}
