import { createEnv } from "@edgelens/shared/env";

/**
 * @edgelens/vision's environment: the only file of the package that reads `process.env`.
 * Keys with the `EDGELENS_MEDIA_` prefix belong to it (EDGELENS_MEDIA_DIR is a shared key); an
 * unknown one is refused, so a misspelt key fails loudly instead of being ignored.
 */
const readVisionEnv = createEnv({ part: "vision", shared: ["EDGELENS_MEDIA_DIR"], own: {}, ownPattern: /^EDGELENS_MEDIA_/ });
export type VisionEnv = ReturnType<typeof readVisionEnv>;

/** Validates the package's keys of `source`; throws INVALID_CONFIG naming each bad field. */
export function parseVisionEnv(source: Record<string, string | undefined>): VisionEnv {
  return readVisionEnv(source);
}

let cached: VisionEnv | undefined;

/** The process environment, validated once. */
export function visionEnv(): VisionEnv {
  cached ??= parseVisionEnv(process.env);
  return cached;
}
