import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSampleModel } from "@edgelens/vision/models";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";

describe("GET /api/artifacts/{sha256} (devices download with their credentials)", () => {
  let f: ConsoleFixture;
  let sha256: string;
  let bytes: Buffer;
  let auth: string;

  beforeAll(async () => {
    f = await startConsoleFixture("artifacts");
    const model = getSampleModel("blazeface");
    bytes = readFileSync(model.path);
    const upload = await f.admin.post("/api/v1/models?name=faces", new Uint8Array(bytes), { "content-type": "application/octet-stream" });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    sha256 = (upload.body as { version: { sha256: string } }).version.sha256;
    const reg = await f.admin.post("/api/v1/devices", { id: "cam-art" });
    expect(reg.status).toBe(201);
    const file = (reg.body as { deviceFile: { deviceId: string; secret: string } }).deviceFile;
    auth = `Bearer ${file.deviceId}:${file.secret}`;
  });
  afterAll(async () => f?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${f.server.url}${path}`, { headers });

  it("serves the whole artifact to its device", async () => {
    const res = await get(`/api/artifacts/${sha256}`, { authorization: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("answers a Range request with 206 and exactly those bytes", async () => {
    const res = await get(`/api/artifacts/${sha256}`, { authorization: auth, range: "bytes=100-1099" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 100-1099/${bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
    const tail = await get(`/api/artifacts/${sha256}`, { authorization: auth, range: `bytes=${bytes.length - 10}-` });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const beyond = await get(`/api/artifacts/${sha256}`, { authorization: auth, range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
  });

  it("refuses missing or wrong credentials with 401", async () => {
    expect((await get(`/api/artifacts/${sha256}`)).status).toBe(401);
    const wrong = await get(`/api/artifacts/${sha256}`, { authorization: "Bearer cam-art:not-the-secret-at-all" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect((await get(`/api/artifacts/${sha256}`, { authorization: "Bearer ghost-cam:whatever-secret" })).status).toBe(401);
  });

  it("answers 404 for an unknown or malformed artifact id", async () => {
    expect((await get(`/api/artifacts/${"0".repeat(64)}`, { authorization: auth })).status).toBe(404);
    expect((await get(`/api/artifacts/..%2F..%2Fedgelens.db`, { authorization: auth })).status).toBe(404);
  });
});
