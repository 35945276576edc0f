/**
 * Where webhooks may go (docs/production.md "Security"): not to loopback, link-local, private,
 * shared, multicast or reserved addresses (the console's own API, the broker's metrics, anything
 * on the LAN) unless the operator lists the host or a CIDR in EDGELENS_WEBHOOK_ALLOW. The console
 * checks URLs on save; the broker checks every address a name resolves to, on every redirect.
 */
import { EdgelensError } from "../errors";
import { cidrContains, parseCidr, parseIp, type Cidr, type IpBytes } from "./ip-address";

export interface WebhookAllowList {
  /** Lower-case host names allowed whatever they resolve to. */
  hosts: ReadonlySet<string>;
  cidrs: readonly Cidr[];
}

export const EMPTY_WEBHOOK_ALLOW: WebhookAllowList = { hosts: new Set(), cidrs: [] };

const REFUSED_RANGES = [
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
  "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
  // Unspecified, loopback and IPv4-compatible; NAT64 (reaches IPv4 behind it); unique-local; link-local; multicast.
  "::/96", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8",
].map((r) => parseCidr(r)!);

const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/;

/** `EDGELENS_WEBHOOK_ALLOW`: comma-separated host names and CIDRs; throws INVALID_CONFIG naming a bad entry. */
export function parseWebhookAllow(text: string | undefined): WebhookAllowList {
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const cidr = parseCidr(entry);
    if (cidr) cidrs.push(cidr);
    else if (!entry.includes("/") && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) hosts.add(entry);
    else throw new EdgelensError("INVALID_CONFIG", `EDGELENS_WEBHOOK_ALLOW: ${entry} is neither a host name nor an address/CIDR`, { field: "EDGELENS_WEBHOOK_ALLOW" });
  }
  return { hosts, cidrs };
}

export function isRefusedAddress(ip: IpBytes): boolean {
  // ::ffff:a.b.c.d is matched by the IPv4 ranges, which are stored in that form.
  return REFUSED_RANGES.some((r) => cidrContains(r, ip));
}

/** True when a webhook may connect to `address` (an IP in text form) reached through `host`. */
export function webhookAddressAllowed(address: string, allow: WebhookAllowList): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  return !isRefusedAddress(ip) || allow.cidrs.some((c) => cidrContains(c, ip));
}

/**
 * What can be decided without DNS: the scheme, an address literal, a local name. Null when the
 * URL may be saved; the broker still checks what the name resolves to at each call.
 */
export function webhookUrlProblem(url: string, allow: WebhookAllowList): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `refused by policy: only http and https webhooks (${parsed.protocol})`;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (allow.hosts.has(host)) return null;
  const ip = parseIp(host);
  if (ip) return webhookAddressAllowed(host, allow) ? null : `refused by policy: ${host} is a loopback, private or reserved address (EDGELENS_WEBHOOK_ALLOW)`;
  if (LOCAL_NAMES.test(host)) return `refused by policy: ${host} is this machine (EDGELENS_WEBHOOK_ALLOW)`;
  return null;
}

/** Whether `host` (a URL's hostname) is allowed by name, skipping the address check. */
export function webhookHostAllowed(host: string, allow: WebhookAllowList): boolean {
  return allow.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, ""));
}
