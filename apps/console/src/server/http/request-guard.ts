/**
 * CSRF defence for /api routes (docs/production.md "Security"). The session cookie is SameSite=Lax,
 * and a page on another port of the same host is same-site, so the cookie alone proves nothing.
 * A state-changing request is refused when the browser says it comes from another origin
 * (`Origin`, or `Sec-Fetch-Site` when Origin is absent), and when its body is not one of the
 * types the API declares: a form (`text/plain`, urlencoded, multipart) cannot be JSON or a raw file.
 * Non-browser clients (CLI, curl, the agent) send neither header and are unaffected.
 */
import { EdgelensError } from "@edgelens/shared";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const BODY_TYPES = /^(application\/json|application\/octet-stream)\s*(;|$)/i;

/** The origins the console answers on: its configured URL and the one the request was addressed to. */
function ownOrigins(req: Request, consoleUrl: string): Set<string> {
  const origins = new Set([new URL(consoleUrl).origin]);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (host) {
    const proto = req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(/:$/, "");
    origins.add(`${proto.split(",")[0]!.trim()}://${host.split(",")[0]!.trim()}`);
  }
  return origins;
}

function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  return (length !== null && length !== "0") || req.headers.has("transfer-encoding");
}

/** Throws FORBIDDEN for a cross-origin state change, INVALID_PAYLOAD for an undeclared body type. */
export function guardStateChange(req: Request, consoleUrl: string): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (origin !== null) {
    if (!ownOrigins(req, consoleUrl).has(origin)) throw new EdgelensError("FORBIDDEN", `cross-origin request refused (Origin ${origin} is not this console)`, { origin });
  } else if (site !== null && site !== "same-origin" && site !== "none") {
    throw new EdgelensError("FORBIDDEN", `cross-origin request refused (Sec-Fetch-Site: ${site})`, { secFetchSite: site });
  }
  const type = req.headers.get("content-type");
  if (type !== null && type !== "" && !BODY_TYPES.test(type)) {
    throw new EdgelensError("INVALID_PAYLOAD", `unsupported Content-Type ${type}: send application/json, or application/octet-stream for files`);
  }
  if ((type === null || type === "") && hasBody(req)) {
    throw new EdgelensError("INVALID_PAYLOAD", "a request body needs Content-Type: application/json, or application/octet-stream for files");
  }
}
