/**
 * Error codes shared by every part. An error that crosses a process (deployment failures,
 * HTTP error bodies, CLI exits) carries one of these codes so that callers can branch on it.
 */
export const ErrorCodes = [
  "INVALID_CONFIG",
  "INVALID_PAYLOAD",
  "INVALID_TOPIC",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_LARGE",
  "RATE_LIMITED",
  "INVALID_MODEL",
  "UNSUPPORTED_OP",
  "CONVERSION_FAILED",
  "COMPILE_FAILED",
  "DOWNLOAD_FAILED",
  "CHECKSUM_MISMATCH",
  "MODEL_LOAD_FAILED",
  "FUNCTION_FAILED",
  "FUNCTION_TIMEOUT",
  "SOURCE_FAILED",
  "CAMERA_NOT_FOUND",
  "RULE_PARSE_ERROR",
  "RULE_EVAL_ERROR",
  "ACTION_FAILED",
  "MEDIA_NOT_FOUND",
  "INTERNAL",
  "SOAK_FAILED",
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface EdgelensErrorContext {
  deviceId?: string;
  projectId?: string;
  deploymentId?: string;
  [key: string]: unknown;
}

/** An error with a stable code and the ids it concerns (device, project, deployment). */
export class EdgelensError extends Error {
  readonly code: ErrorCode;
  readonly context: EdgelensErrorContext;

  constructor(code: ErrorCode, message: string, context: EdgelensErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EdgelensError";
    this.code = code;
    this.context = context;
  }

  toJSON(): { code: ErrorCode; message: string; context: EdgelensErrorContext } {
    return { code: this.code, message: this.message, context: this.context };
  }
}

export function isEdgelensError(value: unknown): value is EdgelensError {
  return value instanceof EdgelensError;
}
