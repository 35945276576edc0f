/**
 * The error rate of a running project over its last `size` frames. A project whose trial passed
 * can still fail on most frames later (a bug on some input, a broken camera): the rate, not one
 * error, makes its deployment `degraded`.
 */
export class ErrorWindow {
  private readonly outcomes: boolean[] = [];
  private errors = 0;

  constructor(
    readonly size: number,
    /** Fraction of failed frames (0..1] in a full window that counts as degraded. */
    readonly maxRate: number,
  ) {}

  /** Records a frame; true when the window is full and its error rate reaches `maxRate`. */
  record(failed: boolean): boolean {
    this.outcomes.push(failed);
    if (failed) this.errors += 1;
    if (this.outcomes.length > this.size && this.outcomes.shift()) this.errors -= 1;
    return this.outcomes.length >= this.size && this.errors / this.size >= this.maxRate;
  }

  reset(): void {
    this.outcomes.length = 0;
    this.errors = 0;
  }
}
