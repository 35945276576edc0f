import { z } from "zod";
import { EdgelensError } from "@edgelens/shared/errors";
import { formatZodError } from "@edgelens/shared";

/**
 * @edgelens/vision's environment: the only file of the package that reads `process.env`.
 * Only keys with the `EDGELENS_MEDIA_` prefix belong to it; the schema is strict over those, so a
 * misspelt key fails loudly instead of being ignored.
 */
export const VisionEnvSchema = z
  .object({
    /** Folder holding the test media (dog.jpg, person.jpg, messi5.jpg, imageTextN.png, vtest.avi). */
    EDGELENS_MEDIA_DIR: z.string().min(1).optional(),
  })
  .strict();
export type VisionEnv = z.infer<typeof VisionEnvSchema>;

const PREFIX = "EDGELENS_MEDIA_";

/** Validates the package's keys of `source`; throws INVALID_CONFIG naming each bad field. */
export function parseVisionEnv(source: Record<string, string | undefined>): VisionEnv {
  const own = Object.fromEntries(Object.entries(source).filter(([key, value]) => key.startsWith(PREFIX) && value !== undefined && value !== ""));
  const parsed = VisionEnvSchema.safeParse(own);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `invalid vision environment: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

let cached: VisionEnv | undefined;

/** The process environment, validated once. */
export function visionEnv(): VisionEnv {
  cached ??= parseVisionEnv(process.env);
  return cached;
}
