import { z } from "zod";

export const RoleSchema = z.enum(["admin", "viewer"]);
export type Role = z.infer<typeof RoleSchema>;

/** Claims of the short-lived token the console signs for a user's MQTT connection. */
export const ConsoleTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  role: RoleSchema,
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
});
export type ConsoleTokenClaims = z.infer<typeof ConsoleTokenClaimsSchema>;

/** MQTT usernames of users start with this; device usernames are device ids (which never contain ':'). */
export const USER_USERNAME_PREFIX = "user:";
