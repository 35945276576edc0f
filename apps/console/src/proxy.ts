/**
 * Passes the requested path to server components (requirePageUser sends a signed-out visitor
 * to /login and back). API routes are excluded: a proxy would make Next buffer request bodies,
 * and model uploads must stream.
 */
import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "./server/auth/path-header";

export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
