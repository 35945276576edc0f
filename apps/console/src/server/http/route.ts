/**
 * Route handler plumbing for /api/v1: authentication, role check, JSON errors
 * `{error: {code, message, context?}}` with the HTTP status of the code.
 */
import type { Role } from "@edgelens/shared";
import { requireRequestUser } from "../auth/request-auth";
import type { SessionUser } from "../auth/session";
import type { ServiceContext } from "../context";
import { getContext } from "../get-context";
import { errorBody, httpStatusOf, toEdgelensError } from "./errors";
import { guardStateChange } from "./request-guard";

export interface HandlerArgs<P> {
  req: Request;
  ctx: ServiceContext;
  user: SessionUser;
  params: P;
}

export interface PublicHandlerArgs<P> {
  req: Request;
  ctx: ServiceContext;
  params: P;
}

type RouteContext<P> = { params: Promise<P> };

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

export function errorResponse(err: unknown): Response {
  const e = toEdgelensError(err);
  const status = httpStatusOf(e.code);
  // Expected failures go to the caller; anything unexpected is logged here as well.
  if (status >= 500) console.error(`edgelens console: ${e.code}: ${e.message}`, e.cause ?? "");
  const retryAfter: Record<string, string> = e.code === "RATE_LIMITED" && typeof e.context.retryAfterSec === "number" ? { "retry-after": String(e.context.retryAfterSec) } : {};
  return json(errorBody(e), status, retryAfter);
}

/** A handler for signed-in callers; `role: "admin"` for anything that changes state. */
export function route<P = Record<string, never>>(role: Role, fn: (args: HandlerArgs<P>) => Promise<Response>) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const ctx = await getContext();
      guardStateChange(req, ctx.config.consoleUrl);
      const user = await requireRequestUser(ctx, req, role);
      return await fn({ req, ctx, user, params: await context.params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** A handler that authenticates by itself (session login, artifact downloads, OpenAPI). */
export function publicRoute<P = Record<string, never>>(fn: (args: PublicHandlerArgs<P>) => Promise<Response>) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const ctx = await getContext();
      guardStateChange(req, ctx.config.consoleUrl);
      return await fn({ req, ctx, params: await context.params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
