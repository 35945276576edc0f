import { readdir } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { FaceGallerySchema, formatZodError, type FaceGallery } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import { describeGalleryPhoto } from "@edgelens/vision/face-recognition";
import { decodeImage } from "@edgelens/vision/image";
import { getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";

const PHOTO = new Set([".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"]);

async function entries(dir: string): Promise<{ name: string; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw new EdgelensError("NOT_FOUND", `--gallery ${dir}: ${(error as Error).message}`, { path: dir }, { cause: error });
  }
}

/**
 * A face gallery from a folder with one subfolder of photos per person (the subfolder's name is
 * the person's), described with the sample BlazeFace and faceres like the console does at upload.
 * A photo with no face or several fails the whole gallery, naming it (`alice/2.jpg`).
 */
export async function buildGalleryFromFolder(folder: string, threads?: number): Promise<FaceGallery> {
  const root = resolve(folder);
  const people = (await entries(root)).filter((e) => e.isDirectory());
  if (people.length === 0) throw new EdgelensError("INVALID_CONFIG", `--gallery ${root}: no subfolders; put each person's photos in a folder named after them`, { path: root });
  const options = { threads: threads ?? 1 };
  const detector = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", ...options });
  const descriptor = await createOrtModelRunner(getSampleModel("faceres").path, { name: "faceres", ...options });
  try {
    const gallery: FaceGallery = { version: 1, people: [] };
    for (const person of people) {
      // Links count: a gallery is often a folder of links into a photo library.
      const photos = (await entries(join(root, person.name))).filter((e) => (e.isFile() || e.isSymbolicLink()) && PHOTO.has(extname(e.name).toLowerCase()));
      if (photos.length === 0) throw new EdgelensError("INVALID_CONFIG", `--gallery: ${person.name}/ has no photos (.jpg, .png, ...)`, { person: person.name });
      const descriptors: number[][] = [];
      for (const photo of photos) {
        const label = `${person.name}/${photo.name}`;
        const frame = await decodeImage(join(root, person.name, photo.name));
        descriptors.push(Array.from((await describeGalleryPhoto(frame, { detector, descriptor }, label)).descriptor));
      }
      gallery.people.push({ name: person.name, descriptors });
    }
    // Person names come from folder names: the schema bounds them (1-64 characters).
    const checked = FaceGallerySchema.safeParse(gallery);
    if (!checked.success) throw new EdgelensError("INVALID_CONFIG", `--gallery ${root}: ${formatZodError(checked.error)}`, { path: root });
    return checked.data;
  } finally {
    await Promise.all([detector.dispose(), descriptor.dispose()]);
  }
}
