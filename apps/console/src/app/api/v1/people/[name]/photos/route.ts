import { EdgelensError } from "@edgelens/shared";
import { PersonPhotoQuerySchema } from "@/server/http/api-schemas";
import { declaredLength, readQuery } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { addPersonPhotos } from "@/server/services/people";

export const dynamic = "force-dynamic";

type P = { name: string };

/** A photo is small; a bigger body is refused before it is read. */
const MAX_PHOTO_BYTES = 16 * 1024 * 1024;

/** The photo is the raw body; its descriptor is computed here, and a photo with no face or several is 400 naming it. */
export const POST = route<P>("admin", async ({ req, ctx, params }) => {
  const { filename } = readQuery(req, PersonPhotoQuerySchema);
  if ((declaredLength(req) ?? 0) > MAX_PHOTO_BYTES) throw new EdgelensError("TOO_LARGE", `photos are limited to ${MAX_PHOTO_BYTES} bytes`);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength === 0) throw new EdgelensError("INVALID_PAYLOAD", "send the photo as the request body");
  if (bytes.byteLength > MAX_PHOTO_BYTES) throw new EdgelensError("TOO_LARGE", `photos are limited to ${MAX_PHOTO_BYTES} bytes`);
  return json({ person: await addPersonPhotos(ctx, params.name, [{ name: filename, bytes }]) }, 201);
});
