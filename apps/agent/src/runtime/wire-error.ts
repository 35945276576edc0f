import { EdgelensError, ErrorCodes, type ErrorCode } from "@edgelens/shared/errors";
import type { WireError } from "./protocol";

/** Flattens any thrown value for postMessage; `fallback` is the code of errors that carry none. */
export function toWireError(error: unknown, fallback: ErrorCode): WireError {
  const refused = refusalOf(error) ?? refusalOf(error instanceof Error ? error.cause : undefined);
  const message = error instanceof Error ? error.message : String(error);
  if (refused) {
    const code = error instanceof EdgelensError ? error.code : fallback;
    const context = error instanceof EdgelensError ? { ...structuredSafe(error.context), ...refused.context } : refused.context;
    return { code, message: `${refused.text}: ${message}`, context };
  }
  if (error instanceof EdgelensError) return { code: error.code, message: error.message, context: structuredSafe(error.context) };
  return { code: fallback, message, context: {} };
}

/**
 * Node's permission model says only "Access to this API has been restricted"; its error carries
 * what was refused (`permission`, `resource`), which the project log and the deployment's
 * reason should name.
 */
function refusalOf(error: unknown): { text: string; context: Record<string, unknown> } | null {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== "ERR_ACCESS_DENIED") return null;
  const { permission, resource } = error as Error & { permission?: unknown; resource?: unknown };
  const what = typeof permission === "string" && permission !== "" ? permission : "this API";
  const where = typeof resource === "string" && resource !== "" ? ` on ${resource}` : "";
  return { text: `the function sandbox refused ${what}${where}`, context: { permission: what, ...(where ? { resource } : {}) } };
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
