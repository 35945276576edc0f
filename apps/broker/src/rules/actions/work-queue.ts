import { EdgelensError } from "@edgelens/shared/errors";

/**
 * Bounds outbound work (webhook calls): at most `concurrency` at once and `capacity` waiting.
 * When full, new work fails at once instead of piling up memory behind a slow endpoint.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency && this.waiting.length >= this.capacity) {
      return Promise.reject(new EdgelensError("RATE_LIMITED", `work queue full (${this.capacity} waiting)`));
    }
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          });
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }

  get size(): number {
    return this.running + this.waiting.length;
  }
}
