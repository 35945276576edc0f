/** What every CLI command shares: the service context on the configured data dir, output, failure. */
import { EdgelensError } from "@edgelens/shared";
import { loadConsoleConfig } from "../env";
import type { ServiceContext } from "../server/context";
import { toEdgelensError } from "../server/http/errors";

/** A command's failure that is not a bug: printed as `edgelens: message`, exit status 1. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Modules load when a command runs, so that `--help` and small commands start fast. */
export async function withContext<T>(fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const { closeContext, createContext } = await import("../server/build-context");
  const ctx = createContext(loadConsoleConfig());
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Progress and notes go to stderr so stdout stays parseable. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}

export function parseJsonOption(value: string, option: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new EdgelensError("INVALID_PAYLOAD", `${option}: not valid JSON: ${(err as Error).message}`);
  }
}

export function parsePositiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new EdgelensError("INVALID_PAYLOAD", `${option}: expected a positive number, got "${value}"`);
  return n;
}

export function reportFailure(err: unknown): number {
  if (err instanceof CliFailure) {
    process.stderr.write(`edgelens: ${err.message}\n`);
    return err.exitCode;
  }
  const e = toEdgelensError(err);
  const where = Object.entries(e.context)
    .filter(([k, v]) => ["deviceId", "projectId", "deploymentId", "line", "column", "op"].includes(k) && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  process.stderr.write(`edgelens: ${e.code}: ${e.message}${where ? ` (${where})` : ""}\n`);
  if (e.code === "INTERNAL" && e.cause instanceof Error && e.cause.stack) process.stderr.write(`${e.cause.stack}\n`);
  return e.code === "INVALID_CONFIG" ? 2 : 1;
}
