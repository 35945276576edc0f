/**
 * Passes the requested path to server components (requirePageUser sends a signed-out visitor
 * to /login and back), and gives each page its Content-Security-Policy with a fresh nonce: Next
 * reads the nonce from the request's CSP header and puts it on the scripts it renders.
 * API routes are excluded: a proxy would make Next buffer request bodies, and model uploads
 * must stream (their headers come from next.config.ts).
 */
import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "./server/auth/path-header";
import { newNonce, pageCsp } from "./server/http/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const csp = pageCsp(newNonce(), process.env.NODE_ENV !== "production");
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
