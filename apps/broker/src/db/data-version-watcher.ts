import type { DatabaseHandle } from "@edgelens/db";

/**
 * Notices writes by other processes (the console) to the shared SQLite file. `PRAGMA
 * data_version` changes only when another connection commits (https://sqlite.org/pragma.html#pragma_data_version),
 * so the broker's own presence/telemetry writes never wake it, and a poll costs one pragma.
 */
export class DataVersionWatcher {
  private last: number;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly handle: DatabaseHandle,
    intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.last = this.read();
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Checks now; returns whether something changed. */
  poll(): boolean {
    let version: number;
    try {
      version = this.read();
    } catch (err) {
      this.onError(err);
      return false;
    }
    if (version === this.last) return false;
    this.last = version;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (err) {
        this.onError(err);
      }
    }
    return true;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private read(): number {
    return this.handle.sqlite.pragma("data_version", { simple: true }) as number;
  }
}
