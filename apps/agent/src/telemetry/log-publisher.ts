import { LogLineSchema, type LogLine } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import type { LinkState, Publisher } from "../mqtt/publisher";
import type { LogEntry, LogLevel, LogSink } from "./logger";

export interface LogPublisherOptions {
  deviceId: string;
  /** Lowest level that goes to the broker (the local sink keeps everything). */
  level: LogLevel;
  /** Token bucket: sustained lines per second and the burst above it. */
  ratePerSec: number;
  burst: number;
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_MSG = 4096;

/**
 * Sends log lines to `logs` (QoS 0) while connected, at most `ratePerSec` on average. Lines over
 * the rate are counted, and the next line that goes out says how many were suppressed, so a
 * function that logs every frame cannot flood the broker yet the loss stays visible.
 */
export class LogPublisher {
  private tokens: number;
  private last: number;
  private suppressed = 0;
  private unsent = 0;
  private readonly now: () => number;

  constructor(
    private readonly publisher: Publisher,
    private readonly link: LinkState,
    private readonly options: LogPublisherOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.last = this.now();
  }

  readonly sink: LogSink = (entry) => this.handle(entry);

  suppressedCount(): number {
    return this.suppressed;
  }

  /** Lines that were sent while the link went down. */
  unsentCount(): number {
    return this.unsent;
  }

  private handle(entry: LogEntry): void {
    if (RANK[entry.level] < RANK[this.options.level] || !this.link.connected) return;
    if (!this.take()) {
      this.suppressed += 1;
      return;
    }
    let msg = entry.msg;
    if (this.suppressed > 0) {
      msg = `${msg} (${this.suppressed} earlier lines suppressed by the rate limit)`;
      this.suppressed = 0;
    }
    const line: LogLine = {
      level: entry.level,
      msg: msg.slice(0, MAX_MSG),
      ts: entry.ts,
      ...(typeof entry.fields.code === "string" ? { code: entry.fields.code } : {}),
      ...(typeof entry.fields.projectId === "string" ? { projectId: entry.fields.projectId } : {}),
    };
    const parsed = LogLineSchema.safeParse(line);
    if (!parsed.success) return;
    // QoS 0 while connected: a failure means the link just dropped (the link logs that); logging
    // it here would feed this sink again, so it is counted instead.
    this.publisher.publish(topics.logs(this.options.deviceId), JSON.stringify(parsed.data), { qos: 0, retain: false }).catch(() => {
      this.unsent += 1;
    });
  }

  private take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((t - this.last) / 1000) * this.options.ratePerSec);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
