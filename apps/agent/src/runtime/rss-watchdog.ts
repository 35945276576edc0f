import { readFileSync } from "node:fs";

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status); null once it is gone. */
export function readRssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * Samples a process's resident memory and calls `onOver` once it passes `limitMb`. It covers what
 * the V8 heap limit does not (ArrayBuffers, native allocations) and runs in the agent, where the
 * process it watches cannot switch it off. `check()` samples now (after each frame).
 */
export class RssWatchdog {
  private readonly timer: NodeJS.Timeout;
  private fired = false;

  constructor(
    private readonly pid: number,
    private readonly limitMb: number,
    private readonly onOver: (rssMb: number) => void,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** True when the process is over its limit (and onOver has been called). */
  check(): boolean {
    if (this.fired) return true;
    const rss = readRssMb(this.pid);
    if (rss === null || rss <= this.limitMb) return false;
    this.fired = true;
    this.stop();
    this.onOver(rss);
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
