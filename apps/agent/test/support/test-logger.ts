import { createLogger, type LogEntry, type Logger } from "../../src/telemetry/logger";

/** A logger that keeps its entries (and echoes warnings with EDGELENS_TEST_VERBOSE=1). */
export function memoryLogger(): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const verbose = process.env.EDGELENS_TEST_VERBOSE === "1";
  const log = createLogger({
    level: "debug",
    sinks: [
      (e) => {
        entries.push(e);
        if (verbose) process.stderr.write(`${e.level} ${e.msg}\n`);
      },
    ],
  });
  return { log, entries };
}
