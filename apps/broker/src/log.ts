import type { LogLevel } from "./config";

/** JSON lines on stderr (stdout carries only the `listening` line other processes parse). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ ts: new Date().toISOString(), level: at, msg, ...fields }));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/**
 * Logs a key at most once per interval and says how many were left out since; a device that
 * floods malformed payloads or wrong passwords must not flood the log too.
 */
export type RateLimitedLog = (key: string, level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function createRateLimitedLog(log: Logger, intervalMs = 10_000, maxKeys = 10_000): RateLimitedLog {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (key, level, msg, fields = {}) => {
    const now = Date.now();
    const entry = seen.get(key);
    if (entry && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    if (!entry && seen.size >= maxKeys) seen.clear();
    log[level](msg, entry && entry.suppressed > 0 ? { ...fields, suppressed: entry.suppressed } : fields);
    seen.set(key, { at: now, suppressed: 0 });
  };
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
