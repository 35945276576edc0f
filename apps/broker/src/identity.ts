import type { Socket } from "node:net";
import type { Client } from "aedes";
import { DeviceIdSchema, type Role } from "@edgelens/shared";
import { internals } from "./aedes-internals";
import { proxiedAddress } from "./transport/proxy-protocol";

/** Who is on a connection, fixed at CONNECT by the authenticate hook. */
export type Identity =
  | { kind: "device"; deviceId: string; /** the hash it authenticated against: a change means its secret was rotated */ secretHash: string }
  | { kind: "user"; sub: string; role: Role; /** the token's auth version (absent: a service token) */ ver?: number; /** token expiry, unix seconds */ exp: number };

export class IdentityRegistry {
  private readonly byClient = new WeakMap<Client, Identity>();

  set(client: Client, identity: Identity): void {
    this.byClient.set(client, identity);
  }

  get(client: Client | null | undefined): Identity | undefined {
    return client ? this.byClient.get(client) : undefined;
  }
}

/**
 * The client's address: the socket's for TCP/TLS, the HTTP request's for WebSocket. When the
 * WebSocket peer is a trusted reverse proxy (EDGELENS_BROKER_TRUSTED_PROXIES), the address is
 * the rightmost X-Forwarded-For entry that is not itself a trusted proxy: the one the proxy saw.
 * On TCP/TLS, a trusted proxy's PROXY protocol header names it (transport/proxy-protocol.ts).
 */
export function clientIp(client: Client, trustedProxies: ReadonlySet<string> = new Set()): string {
  const viaProxyProtocol = proxiedAddress(client.conn);
  if (viaProxyProtocol) return viaProxyProtocol;
  const req = internals(client).req;
  const peer = req?.socket?.remoteAddress ?? (client.conn as Partial<Socket>).remoteAddress ?? "unknown";
  if (!req || !trustedProxies.has(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  return peer;
}

/**
 * Client ids `<deviceId>` and `<deviceId>:<anything>` belong to that device (device ids never
 * contain ':'). Binding them stops one client from taking over another device's session, since
 * MQTT hands an existing client id's session to whoever connects with it.
 */
export function deviceOfClientId(clientId: string): string | null {
  const head = clientId.split(":", 1)[0] ?? "";
  return DeviceIdSchema.safeParse(head).success ? head : null;
}
