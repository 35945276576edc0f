import { EdgelensError, ErrorCodes, type ErrorCode } from "@edgelens/shared/errors";
import type { WireError } from "./protocol";

/** Flattens any thrown value for postMessage; `fallback` is the code of errors that carry none. */
export function toWireError(error: unknown, fallback: ErrorCode): WireError {
  if (error instanceof EdgelensError) return { code: error.code, message: error.message, context: structuredSafe(error.context) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallback, message, context: {} };
}

export function fromWireError(wire: WireError): EdgelensError {
  const code = (ErrorCodes as readonly string[]).includes(wire.code) ? wire.code : "INTERNAL";
  return new EdgelensError(code, wire.message, wire.context);
}

// Why: an error context may hold a cause object that structured clone rejects (functions, sockets).
function structuredSafe(context: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(context);
  } catch {
    return JSON.parse(JSON.stringify(context, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))) as Record<string, unknown>;
  }
}
