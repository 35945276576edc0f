/**
 * The face gallery over REST (issue 19): /api/v1/people on the real console server, photos as raw
 * bodies described with real onnxruntime sessions; errors name the photo.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels } from "@edgelens/vision/models";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";

describe("REST /api/v1/people", () => {
  let f: ConsoleFixture;
  const octets = { "content-type": "application/octet-stream" };

  beforeAll(async () => {
    await ensureSampleModels();
    f = await startConsoleFixture("api-people");
  }, 600_000);
  afterAll(async () => {
    await f?.close();
  });

  it("adds a photo (creating the person), lists, shows and removes; an anonymous request may not add", async () => {
    const added = await f.admin.post<{ person: { name: string; photos: number } }>("/api/v1/people/player/photos?filename=frame1.png", new Uint8Array(readFileSync(faceMediaPath("basketball1.png"))), octets);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.person).toMatchObject({ name: "player", photos: 1 });
    const list = await f.admin.get<{ people: { name: string; photos: number }[] }>("/api/v1/people");
    expect(list.body.people.map((p) => [p.name, p.photos])).toEqual([["player", 1]]);
    expect((await f.admin.get("/api/v1/people/player")).status).toBe(200);
    expect((await f.anonymous.post("/api/v1/people/x/photos", new Uint8Array(readFileSync(mediaPath("messi5.jpg"))), octets)).status).toBe(401);
    expect((await f.admin.delete("/api/v1/people/player")).status).toBe(204);
    const gone = await f.admin.get<{ error: { code: string } }>("/api/v1/people/player");
    expect([gone.status, gone.body.error.code]).toEqual([404, "NOT_FOUND"]);
  }, 120_000);

  it("answers 400 naming the photo for one without a face", async () => {
    const r = await f.admin.post<{ error: { code: string; message: string } }>("/api/v1/people/page/photos?filename=text.png", new Uint8Array(readFileSync(mediaPath("imageTextN.png"))), octets);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "INVALID_PAYLOAD", message: "gallery photo text.png: no face found, expected exactly one", context: { photo: "text.png", faces: 0 } });
    expect((await f.admin.get<{ people: unknown[] }>("/api/v1/people")).body.people).toEqual([]);
  }, 120_000);
});
