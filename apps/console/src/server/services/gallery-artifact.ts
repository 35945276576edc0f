/**
 * The face gallery a face-recognition deployment carries (docs/design.md "Face gallery"): stored as
 * a content-addressed JSON artifact when the deployment is made, so the device fetches it like a
 * model and recognises offline; the same gallery is stored once whatever the number of devices.
 */
import { eq } from "drizzle-orm";
import { projects } from "@edgelens/db";
import type { ServiceContext } from "../context";
import { storeArtifactBytes } from "../storage/artifacts";
import { buildGallery } from "./people";

/** Templates whose function reads ctx.gallery. */
const GALLERY_TEMPLATES = new Set(["face-recognition"]);

/** sha256 of the gallery artifact for a deployment of `projectId`; null when the project takes none. */
export async function galleryArtifactFor(ctx: ServiceContext, projectId: string): Promise<string | null> {
  const row = ctx.db.select({ template: projects.template }).from(projects).where(eq(projects.id, projectId)).get();
  if (!row?.template || !GALLERY_TEMPLATES.has(row.template)) return null;
  const bytes = new TextEncoder().encode(JSON.stringify(buildGallery(ctx)));
  return (await storeArtifactBytes(ctx, bytes, "upload")).sha256;
}
