import { isIP } from "node:net";

/**
 * The PROXY protocol header (HAProxy's spec, v1 text and v2 binary) a TCP proxy puts before the
 * client's bytes. An MQTT stream starts with 0x10 (CONNECT), so the first byte tells a header
 * ('P' or v2's 0x0D) from none.
 */
export type ProxyHeader =
  /** More bytes are needed to decide. */
  | { kind: "incomplete" }
  /** The stream does not start with a header. */
  | { kind: "none" }
  /** `address` null: LOCAL (v2) or UNKNOWN (v1), the proxy's own connection (a health check). */
  | { kind: "header"; length: number; address: string | null }
  | { kind: "invalid"; reason: string };

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from("PROXY ");
/** The spec's bound on a v1 line, CRLF included. */
const V1_MAX = 107;
/** Bounds the v2 TLVs this broker ignores; a real header is far smaller. */
const V2_MAX_BODY = 4096;

export function parseProxyHeader(buf: Buffer): ProxyHeader {
  if (buf.length === 0) return { kind: "incomplete" };
  if (buf[0] === V1_PREFIX[0]) return parseV1(buf);
  if (buf[0] === V2_SIGNATURE[0]) return parseV2(buf);
  return { kind: "none" };
}

/** Whether `buf` could still become `prefix` (or starts with it). */
function matchesPrefix(buf: Buffer, prefix: Buffer): boolean {
  const n = Math.min(buf.length, prefix.length);
  return buf.subarray(0, n).equals(prefix.subarray(0, n));
}

function parseV1(buf: Buffer): ProxyHeader {
  if (!matchesPrefix(buf, V1_PREFIX)) return { kind: "invalid", reason: "not a PROXY protocol header" };
  const end = buf.subarray(0, V1_MAX).indexOf("\r\n");
  if (end < 0) return buf.length >= V1_MAX ? { kind: "invalid", reason: "v1 header longer than 107 bytes" } : { kind: "incomplete" };
  const length = end + 2;
  const parts = buf.subarray(V1_PREFIX.length, end).toString("latin1").split(" ");
  if (parts[0] === "UNKNOWN") return { kind: "header", length, address: null };
  const family = parts[0] === "TCP4" ? 4 : parts[0] === "TCP6" ? 6 : 0;
  if (!family || parts.length !== 5) return { kind: "invalid", reason: `v1 header malformed: ${JSON.stringify(parts.join(" ").slice(0, 60))}` };
  const [, src, dst, sport, dport] = parts as [string, string, string, string, string];
  if (isIP(src) !== family || isIP(dst) !== family || !isPort(sport) || !isPort(dport)) {
    return { kind: "invalid", reason: "v1 header has a bad address or port" };
  }
  return { kind: "header", length, address: src };
}

function isPort(s: string): boolean {
  return /^(0|[1-9][0-9]{0,4})$/.test(s) && Number(s) <= 65535;
}

function parseV2(buf: Buffer): ProxyHeader {
  if (!matchesPrefix(buf, V2_SIGNATURE)) return { kind: "invalid", reason: "not a PROXY protocol header" };
  if (buf.length < 16) return { kind: "incomplete" };
  const verCmd = buf[12]!;
  const family = buf[13]!;
  const bodyLength = buf.readUInt16BE(14);
  if (verCmd >> 4 !== 2) return { kind: "invalid", reason: `v2 header with version ${verCmd >> 4}` };
  const command = verCmd & 0x0f;
  if (command > 1) return { kind: "invalid", reason: `v2 header with command ${command}` };
  if (bodyLength > V2_MAX_BODY) return { kind: "invalid", reason: `v2 header body of ${bodyLength} bytes` };
  const length = 16 + bodyLength;
  if (buf.length < length) return { kind: "incomplete" };
  // LOCAL: the proxy speaking for itself; the addresses (if any) are to be ignored.
  if (command === 0) return { kind: "header", length, address: null };
  const body = buf.subarray(16, length);
  switch (family >> 4) {
    case 0x1:
      if (body.length < 12) return { kind: "invalid", reason: "v2 IPv4 header too short" };
      return { kind: "header", length, address: [...body.subarray(0, 4)].join(".") };
    case 0x2:
      if (body.length < 36) return { kind: "invalid", reason: "v2 IPv6 header too short" };
      return { kind: "header", length, address: formatIpv6(body.subarray(0, 16)) };
    case 0x0:
      // UNSPEC: the proxy does not know the source (e.g. a unix socket client).
      return { kind: "header", length, address: null };
    default:
      return { kind: "invalid", reason: `v2 header with address family ${family >> 4} (unix sockets are not MQTT clients)` };
  }
}

/** The text form Node gives socket addresses: compressed, and IPv4-mapped as ::ffff:a.b.c.d. */
function formatIpv6(raw: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  const v4Mapped = groups.slice(0, 5).every((g) => g === "0") && groups[5] === "ffff";
  if (v4Mapped) return `::ffff:${[...raw.subarray(12, 16)].join(".")}`;
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}
