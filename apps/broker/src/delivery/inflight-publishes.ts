/**
 * Client publishes the broker accepted (authorizePublish said yes) that have not reached the
 * `published` hook yet. aedes writes the PUBACK of a QoS 1 publish before it stores, delivers and
 * hands it to our rules, so a broker closed in between acknowledged a result that no rule ever
 * saw (test/shutdown-in-flight.test.ts; durable acks, src/delivery/durable-ack.ts, now hold that
 * PUBACK, and this still lets what was read finish instead of being sent again). At shutdown the broker stops reading from its clients
 * and waits for this to drain before it closes aedes.
 */
export class InflightPublishes {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.count++;
  }

  end(): void {
    if (this.count > 0) this.count--;
    if (this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Resolves true once nothing is in flight, false after `timeoutMs`. Bounded because some
   * accepted publishes never reach `published`: one that failed inside aedes, and a QoS 2
   * retransmission aedes answers from its store without publishing again.
   */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
