/**
 * The face gallery of face-recognition (docs/design.md "Face gallery"): people and their photos.
 * A photo's descriptor is computed once, when it is added, with the same chain the device and the
 * simulator run (BlazeFace, the crop aligned by the eyes, faceres), so the gallery a device gets
 * is plain data and recognition needs no photos there.
 */
import { asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { people, personPhotos } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import { describeGalleryPhoto, type FaceModels } from "@edgelens/vision/face-recognition";
import { decodeImage } from "@edgelens/vision/image";
import { getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { bumpGalleryVersion, republishGallery } from "./gallery-artifact";
import { storeArtifactBytes, type StoredArtifact } from "../storage/artifacts";

export const PersonNameSchema = z.string().trim().min(1, "name: 1-64 characters").max(64, "name: 1-64 characters");

export interface PersonPhotoInput {
  /** The file name, to name the photo in errors and lists. */
  name: string;
  bytes: Uint8Array;
}

export interface PersonView {
  name: string;
  photos: number;
  createdAt: number;
}

/**
 * BlazeFace and faceres for one request, disposed after `use`: adding faces is rare, and a console
 * that kept them loaded would hold their memory for nothing between.
 */
export async function withFaceModels<T>(use: (models: FaceModels) => Promise<T>): Promise<T> {
  const detector = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", threads: 1 });
  const descriptor = await createOrtModelRunner(getSampleModel("faceres").path, { name: "faceres", threads: 1 }).catch(async (err: unknown) => {
    await detector.dispose();
    throw err;
  });
  try {
    return await use({ detector, descriptor });
  } finally {
    await Promise.all([detector.dispose(), descriptor.dispose()]);
  }
}

/** Descriptors of photos that each show exactly one face; the first bad photo fails all of them, by name. */
function describePhotos(photos: PersonPhotoInput[]): Promise<number[][]> {
  return withFaceModels(async (models) => {
    const out: number[][] = [];
    for (const photo of photos) {
      const frame = await decodeImage(photo.bytes).catch((error: Error) => {
        throw new EdgelensError("INVALID_PAYLOAD", `gallery photo ${photo.name}: not an image (${error.message})`, { photo: photo.name });
      });
      out.push(Array.from((await describeGalleryPhoto(frame, models, photo.name)).descriptor));
    }
    return out;
  });
}

export function parsePersonName(rawName: string): string {
  const parsed = PersonNameSchema.safeParse(rawName);
  if (!parsed.success) throw new EdgelensError("INVALID_PAYLOAD", parsed.error.issues[0]?.message ?? "bad name", { field: "name" });
  return parsed.data;
}

export interface DescribedPhoto {
  fileName: string;
  /** The stored picture (an `upload`, or the event's `snapshot`). */
  sha256: string;
  descriptor: number[];
}

/** Records described photos under a person (created on first use), then sends devices the new gallery. */
export async function storePersonPhotos(ctx: ServiceContext, name: string, photos: DescribedPhoto[]): Promise<PersonView> {
  ctx.db.transaction((tx) => {
    let person = tx.select().from(people).where(eq(people.name, name)).get();
    if (!person) {
      person = { id: newId("per"), name, createdAt: Date.now() };
      tx.insert(people).values(person).run();
    }
    for (const photo of photos) tx.insert(personPhotos).values({ id: newId("pph"), personId: person.id, ...photo }).run();
    // In the same transaction: a gallery built in between never shows new photos under the old version.
    bumpGalleryVersion(ctx);
  });
  await republishGallery(ctx);
  return getPerson(ctx, name);
}

/**
 * Adds photos to a person, creating the person on first use. Nothing is stored unless every photo
 * shows one face. Running face-recognition deployments get the new gallery (republishGallery).
 */
export async function addPersonPhotos(ctx: ServiceContext, rawName: string, photos: PersonPhotoInput[]): Promise<PersonView> {
  const name = parsePersonName(rawName);
  if (photos.length === 0) throw new EdgelensError("INVALID_PAYLOAD", `person ${name}: give at least one photo`, { person: name });
  const descriptors = await describePhotos(photos);
  const stored: StoredArtifact[] = [];
  for (const photo of photos) stored.push(await storeArtifactBytes(ctx, photo.bytes, "upload"));
  return storePersonPhotos(
    ctx,
    name,
    photos.map((photo, i) => ({ fileName: photo.name, sha256: stored[i]!.sha256, descriptor: descriptors[i]! })),
  );
}

export function getPerson(ctx: ServiceContext, name: string): PersonView {
  const person = ctx.db.select().from(people).where(eq(people.name, name)).get();
  if (!person) throw new EdgelensError("NOT_FOUND", `no person "${name}"`, { person: name });
  const photos = ctx.db.select({ n: count() }).from(personPhotos).where(eq(personPhotos.personId, person.id)).get()?.n ?? 0;
  return { name: person.name, photos, createdAt: person.createdAt };
}

export function listPeople(ctx: ServiceContext): PersonView[] {
  return ctx.db
    .select({ name: people.name, createdAt: people.createdAt, photos: count(personPhotos.id) })
    .from(people)
    .leftJoin(personPhotos, eq(personPhotos.personId, people.id))
    .groupBy(people.id)
    .orderBy(asc(people.name))
    .all();
}

/** Removes a person and their photos' descriptors (the photo artifacts stay until collected); devices get the new gallery. */
export async function removePerson(ctx: ServiceContext, name: string): Promise<void> {
  ctx.db.transaction((tx) => {
    const removed = tx.delete(people).where(eq(people.name, name)).returning({ id: people.id }).all();
    if (removed.length === 0) throw new EdgelensError("NOT_FOUND", `no person "${name}"`, { person: name });
    bumpGalleryVersion(ctx);
  });
  await republishGallery(ctx);
}
