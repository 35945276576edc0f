/**
 * Faces picked from event snapshots into the face gallery (issue 19: "pick faces from an event
 * snapshot"): the service and `edgelens person faces|add --snapshot`, on a real snapshot with two
 * real faces (the player of basketball1.png and Messi's face beside him), stored the way the broker
 * stores one, with real onnxruntime sessions on the sample models.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath, artifacts, events, people, personPhotos } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import { describeGalleryPhoto, descriptorDistance, FACE_MATCH_THRESHOLD } from "@edgelens/vision/face-recognition";
import { decodeImage, encodeJpeg } from "@edgelens/vision/image";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { ensureSampleModels } from "@edgelens/vision/models";
import { withFaceModels } from "../src/server/services/people";
import { addPersonFromSnapshot, findSnapshotFaces, listFaceSnapshots } from "../src/server/services/snapshot-faces";
import { storeArtifactBytes } from "../src/server/storage/artifacts";
import { runCli } from "./support/cli";
import { twoFaceSnapshot } from "./support/face-snapshot";
import { tempContext, TEST_SECRET, type TempContext } from "./support/temp-context";

describe("faces from event snapshots", () => {
  let t: TempContext;
  let two: string;
  let noFace: string;
  const cli = (...args: string[]) => runCli(args, { EDGELENS_DATA_DIR: t.dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9" }, 120_000);

  beforeAll(async () => {
    await ensureSampleModels();
    t = tempContext();
    // As the broker stores them: a content-addressed `snapshot` artifact and the event naming it.
    two = (await storeArtifactBytes(t.ctx, await twoFaceSnapshot(), "snapshot")).sha256;
    noFace = (await storeArtifactBytes(t.ctx, await encodeJpeg(await decodeImage(mediaPath("imageTextN.png"))), "snapshot")).sha256;
    const event = (sha: string, ts: number) => ({ ruleName: "keep-faces", topic: topics.infer("cam-1"), deviceId: "cam-1", labels: "face", payload: {}, snapshotSha256: sha, ts });
    t.ctx.db.insert(events).values([event(noFace, 1000), event(two, 2000), event(two, 3000)]).run();
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it("lists each snapshot once, newest first", () => {
    expect(listFaceSnapshots(t.ctx).map((s) => [s.sha256, s.ts])).toEqual([
      [two, 3000],
      [noFace, 1000],
    ]);
  });

  it("finds the two faces, numbered left to right", async () => {
    const found = await findSnapshotFaces(t.ctx, two);
    expect(found).toMatchObject({ sha256: two, url: `/api/v1/snapshots/${two}`, width: 640, height: 480 });
    expect(found.faces.map((f) => f.face)).toEqual([1, 2]);
    const [player, messi] = found.faces;
    expect(player!.box[2]).toBeLessThan(400);
    // Messi's pasted face spans x 400-600.
    expect(messi!.box[0]).toBeGreaterThanOrEqual(380);
    expect(messi!.box[2]).toBeLessThanOrEqual(620);
    expect((await findSnapshotFaces(t.ctx, noFace)).faces).toEqual([]);
  }, 60_000);

  it("adds the picked face: the player's descriptor matches his other photo and not Messi; the photo is a crop of its own", async () => {
    const view = await addPersonFromSnapshot(t.ctx, "player", two, 1);
    expect(view).toMatchObject({ name: "player", photos: 1 });
    const row = t.ctx.db.select().from(personPhotos).innerJoin(people, eq(people.id, personPhotos.personId)).where(eq(people.name, "player")).get()!;
    expect(row.person_photos.fileName).toBe(`snapshot-${two.slice(0, 12)}-face-1.jpg`);
    const [other, messi] = await withFaceModels(async (models) => [
      await describeGalleryPhoto(await decodeImage(faceMediaPath("basketball2.png")), models, "basketball2.png"),
      await describeGalleryPhoto(await decodeImage(mediaPath("messi5.jpg")), models, "messi5.jpg"),
    ]);
    expect(descriptorDistance(row.person_photos.descriptor, other!.descriptor)).toBeLessThan(FACE_MATCH_THRESHOLD);
    expect(descriptorDistance(row.person_photos.descriptor, messi!.descriptor)).toBeGreaterThan(FACE_MATCH_THRESHOLD);
    // Its own upload, not the snapshot: pruning old events (and their snapshots) leaves the gallery whole.
    const photoSha = row.person_photos.sha256;
    expect(photoSha).not.toBe(two);
    expect(t.ctx.db.select().from(artifacts).where(eq(artifacts.sha256, photoSha)).get()?.kind).toBe("upload");
    const crop = await decodeImage(new Uint8Array(readFileSync(artifactPath(t.ctx.paths, photoSha))));
    expect(crop.width).toBeLessThan(640);
    expect(crop.height).toBeLessThan(480);
  }, 120_000);

  it("says which faces there are when the number is wrong, and stores nothing", async () => {
    await expect(addPersonFromSnapshot(t.ctx, "nobody", two, 3)).rejects.toMatchObject({ code: "INVALID_PAYLOAD", message: `snapshot ${two.slice(0, 12)}: 2 faces (1-2), there is no face 3` });
    await expect(addPersonFromSnapshot(t.ctx, "nobody", noFace, 1)).rejects.toMatchObject({ code: "INVALID_PAYLOAD", message: `snapshot ${noFace.slice(0, 12)}: no face found, there is no face 1` });
    await expect(addPersonFromSnapshot(t.ctx, "nobody", "0".repeat(64), 1)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(t.ctx.db.select().from(people).where(eq(people.name, "nobody")).get()).toBeUndefined();
  }, 60_000);

  it("edgelens person faces numbers them; person add --snapshot asks which of several and takes --face", async () => {
    const faces = await cli("person", "faces", two, "--json");
    expect(faces.code, faces.stderr).toBe(0);
    expect((JSON.parse(faces.stdout) as { faces: { face: number }[] }).faces.map((f) => f.face)).toEqual([1, 2]);
    const ask = await cli("person", "add", "Lionel Messi", "--snapshot", two);
    expect(ask.code).toBe(2);
    expect(ask.stderr).toContain(`has 2 faces: say which with --face`);
    const added = await cli("person", "add", "Lionel Messi", "--snapshot", two, "--face", "2");
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe("person Lionel Messi: 1 photo(s)\n");
    const both = await cli("person", "add", "x", faceMediaPath("basketball2.png"), "--snapshot", two);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give photos or --snapshot, not both");
  }, 240_000);
});
