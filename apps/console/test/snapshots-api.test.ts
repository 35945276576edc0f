/**
 * GET /api/v1/snapshots/{sha256} over HTTP against the real console (`next start`): the JPEG the broker
 * stored for an event, for any signed-in user or API token. The snapshot is stored the way the
 * broker does (content-addressed artifact of kind `snapshot`), with a real photo.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { storeArtifactBytes } from "../src/server/storage/artifacts";
import { createApiToken } from "../src/server/services/tokens";
import { createUser } from "../src/server/services/users";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { TEST_SECRET } from "./support/temp-context";

describe("GET /api/v1/snapshots/{sha256} (event pictures for users)", () => {
  let f: ConsoleFixture;
  let ctx: ServiceContext;
  let jpeg: Buffer;
  let sha256: string;
  let notASnapshot: string;
  let viewerToken: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${f.server.url}${path}`, { headers });

  beforeAll(async () => {
    f = await startConsoleFixture("snapshots");
    // A second connection to the server's data dir, as the broker has: it writes snapshots there.
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: f.dataDir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9" }), { mqttConnectTimeoutMs: 1500 });
    jpeg = readFileSync(mediaPath("dog.jpg"));
    sha256 = (await storeArtifactBytes(ctx, jpeg, "snapshot")).sha256;
    notASnapshot = (await storeArtifactBytes(ctx, Buffer.from("an uploaded file, not a picture"), "upload")).sha256;
    ctx.db
      .insert(events)
      .values({ ruleName: "keep-dogs", topic: topics.infer("cam-1"), deviceId: "cam-1", labels: "dog", payload: { counts: { dog: 1 } }, snapshotSha256: sha256, ts: Date.now() })
      .run();
    const viewer = await createUser(ctx, { email: "viewer@test.local", password: "viewer-password-1", role: "viewer" });
    viewerToken = createApiToken(ctx, viewer.id, "snapshots test").secret;
  });
  afterAll(async () => {
    if (ctx) await closeContext(ctx);
    await f?.close();
  });

  it("serves the JPEG to a signed-in user, byte for byte, with long cache headers", async () => {
    const res = await get(`/api/v1/snapshots/${sha256}`, { cookie: f.admin.cookie ?? "" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
    const again = await get(`/api/v1/snapshots/${sha256}`, { cookie: f.admin.cookie ?? "", "if-none-match": `"${sha256}"` });
    expect(again.status).toBe(304);
  });

  it("serves it to an API token of any role (a viewer's here)", async () => {
    const res = await get(`/api/v1/snapshots/${sha256}`, { authorization: `Bearer ${viewerToken}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
  });

  it("refuses anonymous callers and unknown tokens with 401", async () => {
    const anonymous = await get(`/api/v1/snapshots/${sha256}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect((await get(`/api/v1/snapshots/${sha256}`, { authorization: "Bearer elt_not-a-token" })).status).toBe(401);
  });

  it("answers 404 with a code for an unknown sha and for an artifact that is not a snapshot, 400 for a malformed one", async () => {
    const auth = { authorization: `Bearer ${viewerToken}` };
    const unknown = await get(`/api/v1/snapshots/${"0".repeat(64)}`, auth);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const upload = await get(`/api/v1/snapshots/${notASnapshot}`, auth);
    expect(upload.status).toBe(404);
    expect(await upload.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    for (const bad of [sha256.toUpperCase(), sha256.slice(1), "..%2F..%2Fedgelens.db"]) {
      const res = await get(`/api/v1/snapshots/${bad}`, auth);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "INVALID_PAYLOAD" } });
    }
  });

  it("is in the OpenAPI description, and the CSV export links each event's snapshot", async () => {
    const doc = (await f.anonymous.get<{ paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> }>("/api/v1/openapi.json")).body;
    expect(Object.keys(doc.paths["/snapshots/{sha256}"]?.get?.responses["200"]?.content ?? {})).toEqual(["image/jpeg"]);
    const csv = await f.admin.get("/api/v1/events?format=csv");
    const [header, row] = String(csv.body).trimEnd().split("\r\n");
    expect(header?.split(",").at(-1)).toBe("snapshot");
    expect(row?.split(",").at(-1)).toBe(`${f.server.url}/api/v1/snapshots/${sha256}`);
  });

  it("the events page shows the thumbnail from that route, lazy loaded, linked to the full picture", async () => {
    const html = String((await f.admin.get("/events")).body);
    const url = `/api/v1/snapshots/${sha256}`;
    expect(html).toContain(`href="${url}"`);
    expect(html).toMatch(new RegExp(`<img[^>]*src="${url}"[^>]*loading="lazy"|<img[^>]*loading="lazy"[^>]*src="${url}"`));
  });
});
