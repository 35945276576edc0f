import { z } from "zod";

/** docs/design.md "Identities and auth": `[a-z0-9][a-z0-9-]{2,62}`. */
export const DeviceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,62}$/, "device id must be 3-63 chars of a-z, 0-9 and '-', starting with a letter or digit");
export type DeviceId = z.infer<typeof DeviceIdSchema>;

/** Ids of projects, deployments, rules: safe inside a topic level and a URL path. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "id must be 1-128 chars of letters, digits, '_', '.', '-'");

export const TimestampSchema = z.number().int().nonnegative().describe("milliseconds since the Unix epoch");

export const Sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, "sha256 must be 64 lower-case hex digits");

/** Box in source-frame pixels: [x1, y1, x2, y2]. */
export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof BoxSchema>;

/** Formats a zod error as "path: message; path: message" so every boundary reports the field. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
