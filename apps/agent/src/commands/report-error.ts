import { isEdgelensError } from "@edgelens/shared/errors";

/** Exit status of a command that failed on bad input or configuration (vs 1: it ran and failed). */
export const EXIT_USAGE = 2;

/** One line on stderr naming the error's code, then its detail lines (compile errors, ffmpeg's log). */
export function reportError(error: unknown): void {
  if (isEdgelensError(error)) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    return;
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

/** Wraps a command's action: a thrown error is reported and sets a non-zero exit status. */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      reportError(error);
      process.exitCode = isEdgelensError(error) && error.code === "INVALID_CONFIG" ? EXIT_USAGE : 1;
    }
  };
}
