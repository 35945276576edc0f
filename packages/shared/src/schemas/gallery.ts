import { z } from "zod";

/** faceres' descriptor length (docs/design.md "Face gallery"). */
export const FACE_DESCRIPTOR_LENGTH = 1024;

/** A known person of a face-recognition gallery: one unit-length descriptor per photo. */
export const GalleryPersonSchema = z.object({
  name: z.string().min(1).max(64),
  descriptors: z.array(z.array(z.number()).length(FACE_DESCRIPTOR_LENGTH)).min(1),
});
export type GalleryPerson = z.infer<typeof GalleryPersonSchema>;

/**
 * The gallery artifact of a face-recognition project: deployed beside the models, read by the
 * function as `ctx.gallery`, so recognition works offline. `version` rises with every change.
 */
export const FaceGallerySchema = z
  .object({
    version: z.number().int().nonnegative(),
    people: z.array(GalleryPersonSchema),
  })
  .refine((g) => new Set(g.people.map((p) => p.name)).size === g.people.length, { message: "person names must be unique", path: ["people"] });
export type FaceGallery = z.infer<typeof FaceGallerySchema>;
