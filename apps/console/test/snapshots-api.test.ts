/**
 * GET /api/v1/snapshots/{sha256} over HTTP against the real console (`next start`): the JPEG the broker
 * stored for an event, for any signed-in user or API token. The snapshot is stored the way the
 * broker does (content-addressed artifact of kind `snapshot`), with a real photo.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "@edgelens/db";
import { CLIP_REPORT_HEADER, type ClipReport } from "@edgelens/shared";
import { topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { storeArtifactBytes } from "../src/server/storage/artifacts";
import { registerDevice } from "../src/server/services/devices";
import { createApiToken } from "../src/server/services/tokens";
import { createUser } from "../src/server/services/users";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { launchBrowser } from "./ui-support/browser";
import { signIn } from "./ui-support/pages";
import { TEST_SECRET } from "./support/temp-context";

describe("GET /api/v1/snapshots/{sha256} (event pictures for users)", () => {
  let f: ConsoleFixture;
  let ctx: ServiceContext;
  let jpeg: Buffer;
  let sha256: string;
  let notASnapshot: string;
  let viewerToken: string;
  let clipEventId: number;
  let deviceBearer: string;
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
    const { deviceFile } = await registerDevice(ctx, { id: "cam-1" });
    deviceBearer = `Bearer ${deviceFile.deviceId}:${deviceFile.secret}`;
    clipEventId = Number(
      ctx.db
        .insert(events)
        .values({ ruleName: "clip-people", topic: topics.infer("cam-1"), deviceId: "cam-1", labels: "person", payload: { counts: { person: 3 } }, ts: Date.now() })
        .returning({ id: events.id })
        .get().id,
    );
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
    const [header, ...rows] = String(csv.body).trimEnd().split("\r\n");
    const row = rows.find((r) => r.includes("keep-dogs"));
    expect(header?.split(",").at(-1)).toBe("snapshot");
    expect(row?.split(",").at(-1)).toBe(`${f.server.url}/api/v1/snapshots/${sha256}`);
  });

  it("the events page shows the thumbnail from that route, lazy loaded, linked to the full picture", async () => {
    const html = String((await f.admin.get("/events")).body);
    const url = `/api/v1/snapshots/${sha256}`;
    expect(html).toContain(`href="${url}"`);
    expect(html).toMatch(new RegExp(`<img[^>]*src="${url}"[^>]*loading="lazy"|<img[^>]*loading="lazy"[^>]*src="${url}"`));
  });

  describe("clips around events (POST /api/device/clips, issue 16.5)", () => {
    const report = (over: Partial<ClipReport> = {}): ClipReport => ({ clipId: `event-${clipEventId}`, eventId: clipEventId, projectId: "people", at: Date.now(), pre: 2, post: 1, ...over });
    const send = (headers: Record<string, string>, body?: Buffer) => fetch(`${f.server.url}/api/device/clips`, { method: "POST", headers, ...(body ? { body: new Uint8Array(body) } : {}) });
    let mp4: Buffer;
    let foreignEventId: number;

    beforeAll(() => {
      // A 3 s H.264 MP4 with the index first, as the agent assembles them.
      const file = join(f.dataDir, "clip-source.mp4");
      execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-y", file]);
      mp4 = readFileSync(file);
      writeFileSync(file, "");
      foreignEventId = Number(ctx.db.insert(events).values({ ruleName: "other", topic: topics.infer("cam-2"), deviceId: "cam-2", payload: {}, ts: 1 }).returning({ id: events.id }).get().id);
    });

    it("refuses bad uploads with a code: no device credentials, a bad report, no body", async () => {
      const header = { [CLIP_REPORT_HEADER]: JSON.stringify(report()), "content-type": "application/octet-stream" };
      expect((await send(header, mp4)).status).toBe(401);
      expect((await send({ ...header, authorization: "Bearer cam-1:wrong-secret" }, mp4)).status).toBe(401);
      const bad = await send({ ...header, authorization: deviceBearer, [CLIP_REPORT_HEADER]: JSON.stringify({ ...report(), pre: 99 }) }, mp4);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/x-edgelens-clip: pre/);
      const empty = await send({ ...header, authorization: deviceBearer });
      expect(((await empty.json()) as { error: { code: string } }).error.code).toBe("INVALID_PAYLOAD");
      // Another device's event: refused, nothing linked to it.
      const foreign = await send({ ...header, authorization: deviceBearer, [CLIP_REPORT_HEADER]: JSON.stringify(report({ eventId: foreignEventId, clipId: "foreign" })) }, mp4);
      expect(foreign.status).toBe(403);
    });

    it("stores the device's MP4, links it to its event and serves it to the browser with Range", async () => {
      const res = await send({ authorization: deviceBearer, [CLIP_REPORT_HEADER]: JSON.stringify(report({ durationMs: 3000 })), "content-type": "application/octet-stream" }, mp4);
      expect(res.status).toBe(201);
      const listed = await f.admin.get<{ events: { id: number; clip: { state: string; url: string; durationMs: number } | null }[] }>("/api/v1/events");
      const clip = listed.body.events.find((e) => e.id === clipEventId)?.clip;
      expect(clip).toMatchObject({ state: "ready", durationMs: 3000, url: expect.stringMatching(/^\/api\/artifacts\/[0-9a-f]{64}$/) });
      const part = await get(clip!.url, { cookie: f.admin.cookie ?? "", range: "bytes=0-99" });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-type")).toBe("video/mp4");
      const whole = Buffer.from(await (await get(clip!.url, { cookie: f.admin.cookie ?? "" })).arrayBuffer());
      const file = join(f.dataDir, "clip-back.mp4");
      writeFileSync(file, whole);
      const probed = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", file], { encoding: "utf8" })) as { format: { duration: string }; streams: { codec_name: string }[] };
      expect(probed.streams.map((s) => s.codec_name)).toEqual(["h264"]);
      expect(Math.abs(Number(probed.format.duration) - 3)).toBeLessThan(0.5);
      // The events page and the device page play it in a <video>, in Chromium.
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await signIn(page, f.server.url, ADMIN_EMAIL, ADMIN_PASSWORD, "/events");
        for (const path of ["/events", "/devices/cam-1"]) {
          if (path !== "/events") await page.goto(`${f.server.url}${path}`);
          const video = page.locator(`[data-testid=clip-video][src="${clip!.url}"]`);
          await video.waitFor({ timeout: 15_000 });
          await video.evaluate((v: HTMLVideoElement) => v.play());
          await page.waitForFunction((url) => ((document.querySelector(`[data-testid=clip-video][src="${url}"]`) as HTMLVideoElement | null)?.currentTime ?? 0) > 0.5, clip!.url, { timeout: 15_000 });
          expect(await video.evaluate((v: HTMLVideoElement) => ({ duration: Math.round(v.duration), width: v.videoWidth, error: v.error }))).toEqual({ duration: 3, width: 320, error: null });
        }
      } finally {
        await browser.close();
      }
    }, 60_000);

    it("shows the device's reason on the event when it could not make the clip", async () => {
      const failedEvent = Number(
        ctx.db.insert(events).values({ ruleName: "clip-people", topic: topics.infer("cam-1"), deviceId: "cam-1", payload: {}, ts: Date.now() }).returning({ id: events.id }).get().id,
      );
      const error = { code: "TOO_LARGE" as const, message: "disk short: 10 MiB free, clips need at least 256 MiB (clips.minFreeBytes)" };
      const res = await send({ authorization: deviceBearer, [CLIP_REPORT_HEADER]: JSON.stringify(report({ clipId: `event-${failedEvent}`, eventId: failedEvent, error })) });
      expect(res.status).toBe(201);
      const listed = await f.admin.get<{ events: { id: number; clip: { state: string; error: unknown } | null }[] }>("/api/v1/events");
      expect(listed.body.events.find((e) => e.id === failedEvent)?.clip).toMatchObject({ state: "failed", error });
      expect(String((await f.admin.get("/events")).body)).toContain("disk short: 10 MiB free");
    });
  });
});
