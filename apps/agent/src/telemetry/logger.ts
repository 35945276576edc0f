import type { LogLine } from "@edgelens/shared/schemas";

export type LogLevel = LogLine["level"];

export interface LogFields {
  code?: string;
  projectId?: string;
  deploymentId?: string;
  [key: string]: unknown;
}

export interface LogEntry {
  level: LogLevel;
  msg: string;
  ts: number;
  fields: LogFields;
}

export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: LogLevel;
  sinks: LogSink[];
  now?: () => number;
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[level] < RANK[options.level]) return;
    const entry: LogEntry = { level, msg, ts: now(), fields: { ...base, ...fields } };
    for (const sink of options.sinks) sink(entry);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** One JSON object per line: what journald keeps and `jq` reads. */
export function jsonLineSink(write: (line: string) => void): LogSink {
  return (entry) => {
    const fields = Object.fromEntries(Object.entries(entry.fields).map(([k, v]) => [k, v instanceof Error ? v.message : v]));
    write(`${JSON.stringify({ ts: entry.ts, level: entry.level, msg: entry.msg, ...fields })}\n`);
  };
}

/** The message of anything thrown, for log lines and reasons. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
