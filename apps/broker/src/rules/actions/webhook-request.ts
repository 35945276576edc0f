/**
 * The webhook's HTTP client, enforcing the shared target policy where the request is made: the
 * URL's address literal, every address its name resolves to (checked inside the socket's DNS
 * lookup, so the checked address is the one connected to) and every redirect hop. node:http
 * rather than fetch, whose DNS cannot be intercepted without undici's Agent.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { EdgelensError, parseIp, webhookAddressAllowed, webhookHostAllowed, webhookUrlProblem, type WebhookAllowList } from "@edgelens/shared";

const MAX_REDIRECTS = 3;

export interface WebhookCall {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** A target the policy forbids: never retried, and the message says nothing the target answered. */
export function refusedByPolicy(url: string): EdgelensError {
  return new EdgelensError("FORBIDDEN", "refused by policy (loopback, private or reserved address; see EDGELENS_WEBHOOK_ALLOW)", { url, refusedByPolicy: true });
}

function checkedLookup(allow: WebhookAllowList, url: string): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      // Every answer must pass: a name with one public and one private address is refused.
      if (addresses.length === 0 || addresses.some((a) => !webhookAddressAllowed(a.address, allow))) return callback(refusedByPolicy(url) as NodeJS.ErrnoException, []);
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function send(url: URL, method: string, call: WebhookCall, headers: Record<string, string>, allow: WebhookAllowList): Promise<IncomingMessage> {
  const byName = webhookHostAllowed(url.hostname, allow);
  const literal = parseIp(url.hostname) !== null;
  const options: RequestOptions = {
    method,
    headers: method === "POST" ? { ...headers, "content-length": String(Buffer.byteLength(call.body)) } : headers,
    signal: call.signal,
    // Literal addresses skip DNS: webhookUrlProblem checked them. Names allowed by the operator resolve normally.
    ...(byName || literal ? {} : { lookup: checkedLookup(allow, url.href) }),
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options, resolve);
    req.on("error", reject);
    req.end(method === "POST" ? call.body : undefined);
  });
}

/** POSTs `call` to `target`, following up to 3 redirects; resolves with the final status. */
export async function postWebhook(target: string, call: WebhookCall, allow: WebhookAllowList): Promise<number> {
  let url = new URL(target);
  let method = "POST";
  let headers = call.headers;
  for (let hop = 0; ; hop++) {
    if (webhookUrlProblem(url.href, allow)) throw refusedByPolicy(target);
    const res = await send(url, method, call, headers, allow);
    res.resume();
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status < 300 || status >= 400 || !location || hop >= MAX_REDIRECTS) return status;
    const next = new URL(location, url);
    // As fetch does: 301/302/303 turn into a bodyless GET, and credentials stay with their origin.
    if (status !== 307 && status !== 308) method = "GET";
    if (next.origin !== url.origin) headers = { "content-type": "application/json", "x-edgelens-rule": call.headers["x-edgelens-rule"] ?? "" };
    url = next;
  }
}
