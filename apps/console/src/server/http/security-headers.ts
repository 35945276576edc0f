/**
 * Response headers against framing, MIME sniffing and script injection (docs/production.md
 * "Security"). Pages get a per-request nonce CSP from the proxy (every page is rendered per
 * request anyway: they read the session cookie), so no script runs without 'unsafe-inline'.
 * Styles keep 'unsafe-inline': React style attributes and Next's dev CSS need it, and a style
 * cannot run code. API responses are data: they may load nothing at all.
 */
export const BASE_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The page CSP; `dev` adds what `next dev` needs (eval for React's dev tools and fast refresh). */
export function pageCsp(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // The browser's MQTT client talks WebSocket to the broker, on its own port or host.
    "connect-src 'self' ws: wss:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
