/**
 * The face gallery as devices get it (docs/design.md "Face gallery"): a content-addressed JSON
 * artifact, fetched like a model so the device recognises offline; the same gallery is stored
 * once whatever the number of devices. A gallery change is republished to every deployment
 * that carries one, under the same deployment id: no redeploy, no reload on the device.
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { deployments, people, personPhotos, projects, settings } from "@edgelens/db";
import { EdgelensError, FaceGallerySchema, topics, type FaceGallery } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { storeArtifactBytes } from "../storage/artifacts";
import { currentDesiredState, deviceProjectRows, publishedOnly } from "./device-desired-state";

/** Templates whose function reads ctx.gallery. */
const GALLERY_TEMPLATES = new Set(["face-recognition"]);

/** Bumped with every change of people or photos: the gallery's `version`. */
const GALLERY_VERSION_KEY = "face-gallery-version";

function galleryVersion(ctx: ServiceContext): number {
  const row = ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, GALLERY_VERSION_KEY)).get();
  return row ? Number(row.value) : 0;
}

/** Call inside the transaction that changes people or photos. */
export function bumpGalleryVersion(ctx: ServiceContext): void {
  const next = String(galleryVersion(ctx) + 1);
  ctx.db.insert(settings).values({ key: GALLERY_VERSION_KEY, value: next }).onConflictDoUpdate({ target: settings.key, set: { value: next } }).run();
}

/** The gallery as a device gets it: every person with every descriptor, under the current version. */
export function buildGallery(ctx: ServiceContext): FaceGallery {
  const rows = ctx.db
    .select({ name: people.name, descriptor: personPhotos.descriptor })
    .from(personPhotos)
    .innerJoin(people, eq(people.id, personPhotos.personId))
    .orderBy(people.name, personPhotos.createdAt, personPhotos.id)
    .all();
  const byName = new Map<string, number[][]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r.descriptor]);
  return FaceGallerySchema.parse({ version: galleryVersion(ctx), people: [...byName].map(([name, descriptors]) => ({ name, descriptors })) });
}

async function storeGallery(ctx: ServiceContext): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(buildGallery(ctx)));
  return (await storeArtifactBytes(ctx, bytes, "upload")).sha256;
}

/** sha256 of the gallery artifact for a deployment of `projectId`; null when the project takes none. */
export async function galleryArtifactFor(ctx: ServiceContext, projectId: string): Promise<string | null> {
  const row = ctx.db.select({ template: projects.template }).from(projects).where(eq(projects.id, projectId)).get();
  if (!row?.template || !GALLERY_TEMPLATES.has(row.template)) return null;
  return storeGallery(ctx);
}

export interface GalleryRepublish {
  sha256: string;
  /** Devices whose desired state now names the new gallery. */
  devices: string[];
}

/** One change at a time in this process: a slower, older change must not publish after a newer one. */
let republishing: Promise<unknown> = Promise.resolve();

/**
 * After people or photos changed: stores the new gallery, points every deployment that carries a
 * gallery and is in its device's list at it, and publishes those devices' desired states again
 * (retained; same deployment ids, so the agent updates the running function instead of
 * redeploying). Throws INTERNAL naming the devices not reached; the change itself is saved, and
 * the next change or deployment publishes it.
 */
export function republishGallery(ctx: ServiceContext): Promise<GalleryRepublish> {
  const run = republishing.then(() => republishNow(ctx));
  republishing = run.catch(() => undefined);
  return run;
}

async function republishNow(ctx: ServiceContext): Promise<GalleryRepublish> {
  const sha256 = await storeGallery(ctx);
  const candidates = ctx.db
    .selectDistinct({ deviceId: deployments.deviceId })
    .from(deployments)
    .where(and(isNotNull(deployments.gallerySha256), publishedOnly))
    .all();
  const reached: string[] = [];
  const failed: string[] = [];
  // One unreachable broker fails the rest at once rather than after one timeout each.
  let unreachable: string | null = null;
  for (const { deviceId } of candidates) {
    const stale = deviceProjectRows(ctx, deviceId)
      .filter((d) => d.gallerySha256 !== null && d.gallerySha256 !== sha256)
      .map((d) => d.id);
    if (stale.length === 0) continue;
    ctx.db.update(deployments).set({ gallerySha256: sha256 }).where(inArray(deployments.id, stale)).run();
    let payload: string;
    try {
      const desired = currentDesiredState(ctx, deviceId);
      if (!desired) continue;
      payload = JSON.stringify(desired);
    } catch (err) {
      failed.push(`${deviceId} (not built: ${(err as Error).message})`);
      continue;
    }
    try {
      if (unreachable) throw new Error(unreachable);
      await ctx.mqtt.publish(topics.shadowDesired(deviceId), payload, { qos: 1, retain: true });
      reached.push(deviceId);
    } catch (err) {
      unreachable = (err as Error).message;
      failed.push(`${deviceId} (${unreachable})`);
    }
  }
  if (failed.length > 0) {
    throw new EdgelensError("INTERNAL", `gallery saved, but the desired state of ${failed.length} device(s) was not published: ${failed.join(", ")}`, { deviceId: failed[0]!.split(" ")[0] });
  }
  return { sha256, devices: reached };
}
