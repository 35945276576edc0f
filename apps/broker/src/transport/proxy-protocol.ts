import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { parseProxyHeader } from "./proxy-header";

/**
 * PROXY protocol on the MQTT TCP/TLS listeners (EDGELENS_BROKER_PROXY_PROTOCOL): `off` reads no
 * header; `optional` accepts one from a trusted proxy and plain MQTT from anyone; `required`
 * accepts only trusted proxies, each connection starting with a header.
 */
export type ProxyProtocolMode = "off" | "optional" | "required";

export interface ProxyProtocolPolicy {
  mode: ProxyProtocolMode;
  trustedProxies: ReadonlySet<string>;
  /** A refused connection: already destroyed; the caller logs it. */
  onRefused(reason: string, peer: string): void;
}

/** A slow or silent peer must not hold a socket open before it is an MQTT client. */
const HEADER_TIMEOUT_MS = 10_000;

/** The client address a PROXY header named for a stream (TCP socket or TLS socket over it). */
const proxied = new WeakMap<Duplex, string>();

export function proxiedAddress(stream: Duplex): string | undefined {
  return proxied.get(stream);
}

export function setProxiedAddress(stream: Duplex, address: string): void {
  proxied.set(stream, address);
}

/**
 * Reads the PROXY header (if any) off `socket`, then calls `ready` with the socket positioned at
 * the client's first byte and the address the header named (null: none, use the socket's).
 * A header from an untrusted peer, a malformed one, a missing one where required, or none
 * within 10 s destroys the socket and reports why.
 */
export function readProxyHeader(socket: Socket, policy: ProxyProtocolPolicy, ready: (address: string | null) => void): void {
  const peer = socket.remoteAddress ?? "unknown";
  const trusted = policy.trustedProxies.has(peer);
  if (policy.mode === "off") return ready(null);
  if (policy.mode === "required" && !trusted) return refuse(socket, policy, "connection from a peer that is not a trusted proxy (EDGELENS_BROKER_PROXY_PROTOCOL=required)", peer);
  let buffered = Buffer.alloc(0);
  const timer = setTimeout(() => refuse(socket, policy, "no PROXY protocol header within 10 s", peer), HEADER_TIMEOUT_MS);
  const stop = () => {
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", stop);
    socket.off("error", onError);
  };
  // Until aedes (or TLS) owns the socket, a reset must not be an unhandled 'error'.
  const onError = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const header = parseProxyHeader(buffered);
    if (header.kind === "incomplete") return;
    stop();
    socket.pause();
    if (header.kind === "invalid") return refuse(socket, policy, `malformed PROXY protocol header: ${header.reason}`, peer);
    if (header.kind === "none") {
      if (policy.mode === "required") return refuse(socket, policy, "no PROXY protocol header (EDGELENS_BROKER_PROXY_PROTOCOL=required)", peer);
      socket.unshift(buffered);
      return ready(null);
    }
    if (!trusted) return refuse(socket, policy, "PROXY protocol header from a peer that is not a trusted proxy (EDGELENS_BROKER_TRUSTED_PROXIES)", peer);
    const rest = buffered.subarray(header.length);
    if (rest.length > 0) socket.unshift(rest);
    ready(header.address);
  };
  socket.on("data", onData);
  socket.on("close", stop);
  socket.on("error", onError);
}

function refuse(socket: Socket, policy: ProxyProtocolPolicy, reason: string, peer: string): void {
  socket.destroy();
  policy.onRefused(reason, peer);
}
