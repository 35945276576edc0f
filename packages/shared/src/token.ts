import { ConsoleTokenClaimsSchema, type ConsoleTokenClaims } from "./schemas/auth";

/**
 * HMAC-SHA256 signed tokens (`base64url(claims).base64url(mac)`) for console users on MQTT.
 * Uses Web Crypto so the browser-safe shared package can hold both sides of the format.
 */
const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// Return type left to inference: `CryptoKey` is a DOM global that Node-only consumers lack.
async function hmacKey(secret: string) {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function signConsoleToken(claims: ConsoleTokenClaims, secret: string): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify(ConsoleTokenClaimsSchema.parse(claims))));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(body)));
  return `${body}.${toBase64Url(mac)}`;
}

export type TokenCheck = { ok: true; claims: ConsoleTokenClaims } | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

/** Verifies signature and expiry; `nowSec` is injectable so expiry is testable without waiting. */
export async function verifyConsoleToken(token: string, secret: string, nowSec = Math.floor(Date.now() / 1000)): Promise<TokenCheck> {
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: "malformed" };
  let mac: Uint8Array<ArrayBuffer>;
  let claimsJson: unknown;
  try {
    mac = fromBase64Url(parts[1]);
    claimsJson = JSON.parse(new TextDecoder().decode(fromBase64Url(parts[0])));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, encoder.encode(parts[0]));
  if (!valid) return { ok: false, reason: "bad-signature" };
  const claims = ConsoleTokenClaimsSchema.safeParse(claimsJson);
  if (!claims.success) return { ok: false, reason: "malformed" };
  if (claims.data.exp <= nowSec) return { ok: false, reason: "expired" };
  return { ok: true, claims: claims.data };
}
