import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeWeightsModel } from "@edgelens/vision/onnx";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";

/**
 * Issue 13 item 12: uploads go to disk as they arrive (hashed on the way, bounded while
 * streaming, renamed into place when complete), over real HTTP to the real console.
 */
const LIMIT_MB = 80;
const MiB = 1024 * 1024;

/** `total` zero bytes in 1 MiB chunks, never held whole. */
function zeros(total: number): Readable {
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

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("streamed uploads over HTTP (real console)", () => {
  let f: ConsoleFixture;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-upload-src-"));
    f = await startConsoleFixture("uploads", { extraEnv: { EDGELENS_MAX_UPLOAD_MB: String(LIMIT_MB) } });
  });
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `body` as a raw request; the response, or how the connection ended before one. */
  function send(method: string, path: string, body: Readable, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, f.server.url);
      const req = request(url, { method, headers: { "content-type": "application/octet-stream", cookie: f.admin.cookie ?? "", ...headers } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      });
      // The console may answer 413 and close while the body is still being sent.
      req.on("error", reject);
      body.on("error", reject);
      body.pipe(req);
    });
  }

  const uploadsDir = () => join(f.dataDir, "uploads");
  const allUploadFiles = () => readdirSync(uploadsDir()).flatMap((d) => readdirSync(join(uploadsDir(), d)));

  it("imports a 64 MiB model sent as one streamed request, with the hash of its bytes", async () => {
    const file = join(dir, "big.onnx");
    const { size } = await writeWeightsModel(file, 16 * MiB);
    const res = await send("POST", "/api/v1/models?name=big", createReadStream(file), { "content-length": String(size) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version).toMatchObject({ sha256: await sha256Of(file), size, inputs: [{ name: "x", type: "float32", shape: [1, 16 * MiB] }] });
    expect(readdirSync(uploadsDir())).toEqual([]);
  });

  it("refuses a body over EDGELENS_MAX_UPLOAD_MB with 413 and keeps no file", async () => {
    const declared = await send("POST", "/api/v1/models?name=huge", zeros(1024), { "content-length": String((LIMIT_MB + 1) * MiB) }).catch((err: Error) => err);
    // Refused from its Content-Length before the body is read.
    expect(declared).toMatchObject({ status: 413 });
    const id = ((await f.admin.post<{ uploadId: string }>("/api/v1/uploads")).body as { uploadId: string }).uploadId;
    const chunked = await send("PUT", `/api/v1/uploads/${id}/model.onnx`, zeros((LIMIT_MB + 8) * MiB));
    expect(chunked.status).toBe(413);
    expect(chunked.body.error).toMatchObject({ code: "TOO_LARGE" });
    expect(readdirSync(join(uploadsDir(), id))).toEqual([]);
  });

  it("a client that disconnects mid-upload leaves no file, partial or whole", async () => {
    const id = ((await f.admin.post<{ uploadId: string }>("/api/v1/uploads")).body as { uploadId: string }).uploadId;
    const target = join(uploadsDir(), id);
    const req = request(new URL(`/api/v1/uploads/${id}/model.onnx`, f.server.url), {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", cookie: f.admin.cookie ?? "", "content-length": String(60 * MiB) },
    });
    req.on("error", () => undefined);
    const chunk = Buffer.alloc(MiB);
    for (let i = 0; i < 20; i++) if (!req.write(chunk)) await new Promise((resolve) => req.once("drain", resolve));
    // The console has started writing: some file is there, growing.
    await waitFor("the upload to reach the disk", () => readdirSync(target, { withFileTypes: true }).some((e) => statSync(join(target, e.name)).size > 0));
    req.destroy();
    await waitFor("the partial upload to be removed", () => readdirSync(target).length === 0);
    expect(existsSync(join(target, "model.onnx"))).toBe(false);
    expect(allUploadFiles()).toEqual([]);
  });
});
