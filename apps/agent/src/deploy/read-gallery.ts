import { readFile } from "node:fs/promises";
import { FaceGallerySchema, formatZodError, type FaceGallery } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";

/**
 * The deployment's face gallery from the artifact cache. Read here, by the agent: the function's
 * sandbox may not read the data dir, so the gallery reaches it as data (ctx.gallery).
 */
export async function readGallery(path: string, projectId: string): Promise<FaceGallery> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new EdgelensError("INVALID_CONFIG", `face gallery ${path}: ${(error as Error).message}`, { projectId, field: "gallery" }, { cause: error });
  }
  const parsed = FaceGallerySchema.safeParse(value);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `face gallery: ${formatZodError(parsed.error)}`, { projectId, field: "gallery" });
  return parsed.data;
}
