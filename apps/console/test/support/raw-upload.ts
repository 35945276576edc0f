/** Raw streamed request bodies for the upload tests: what fetch cannot do (pipe, cut off). */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { request, type ClientRequest } from "node:http";
import { Readable } from "node:stream";

export const MiB = 1024 * 1024;

/** `total` zero bytes in 1 MiB chunks, never held whole. */
export function zeros(total: number): Readable {
  let left = total;
  const chunk = Buffer.alloc(MiB);
  return new Readable({
    read() {
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n > 0 ? chunk.subarray(0, n) : null);
    },
  });
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** An octet-stream request with the session cookie, on a connection of its own (a refused body leaves its connection unusable). */
export function openUpload(baseUrl: string, cookie: string | null, method: string, path: string, headers: Record<string, string> = {}): ClientRequest {
  return request(new URL(path, baseUrl), { method, agent: false, headers: { "content-type": "application/octet-stream", cookie: cookie ?? "", ...headers } });
}

/** Pipes `body` and resolves with the answer (the console may answer before it has read it all). */
export function sendUpload(req: ClientRequest, body: Readable): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on("error", reject);
    body.on("error", reject);
    body.pipe(req);
  });
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
