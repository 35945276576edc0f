import { ZodError } from "zod";
import { EdgelensError, ErrorCodes, formatZodError, type ErrorCode } from "@edgelens/shared";

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_PAYLOAD: 400,
  INVALID_CONFIG: 400,
  INVALID_TOPIC: 400,
  RULE_PARSE_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  CAMERA_NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  INVALID_MODEL: 422,
  UNSUPPORTED_OP: 422,
  CONVERSION_FAILED: 422,
  COMPILE_FAILED: 422,
  RATE_LIMITED: 429,
  ACTION_FAILED: 502,
};

/**
 * Duck-typed rather than instanceof: Next may bundle @edgelens/shared into more than one chunk,
 * each with its own EdgelensError class, and subclasses (RuleParseError) rename themselves.
 */
export function isCodedError(err: unknown): err is EdgelensError {
  return err instanceof Error && (ErrorCodes as readonly string[]).includes((err as EdgelensError).code) && typeof (err as EdgelensError).context === "object";
}

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

/** Any thrown value as an EdgelensError; zod errors become INVALID_PAYLOAD naming the fields. */
export function toEdgelensError(err: unknown): EdgelensError {
  if (isCodedError(err)) return err;
  if (err instanceof ZodError) return new EdgelensError("INVALID_PAYLOAD", formatZodError(err));
  const message = err instanceof Error ? err.message : String(err);
  return new EdgelensError("INTERNAL", message, {}, { cause: err });
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; context?: Record<string, unknown> };
}

/** A file path on the server (two or more segments, not an /api URL path), as it appears in a message. */
const SERVER_PATH = /(^|[\s'"(=:])\/(?!api\/)[\w.@+-]+(?:\/[\w.@+-]+)+/g;

/**
 * The message a caller may see: unexpected errors say only that they happened (the log has the
 * rest), and no message reveals where the server keeps its files.
 */
export function publicMessage(err: EdgelensError): string {
  if (err.code === "INTERNAL") return "internal error; the console's log has the details";
  return redactPaths(err.message);
}

function redactPaths(text: string): string {
  return text.replace(SERVER_PATH, "$1<server path>");
}

/** The error's context with file paths in its text values redacted too. */
export function publicContext(err: EdgelensError): Record<string, unknown> | undefined {
  if (Object.keys(err.context).length === 0) return undefined;
  return Object.fromEntries(Object.entries(err.context).map(([k, v]) => [k, typeof v === "string" ? redactPaths(v) : v]));
}

export function errorBody(err: EdgelensError): ErrorBody {
  const context = publicContext(err);
  return { error: { code: err.code, message: publicMessage(err), ...(context ? { context } : {}) } };
}
