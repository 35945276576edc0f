import { z } from "zod";

export const RoleSchema = z.enum(["admin", "viewer"]);
export type Role = z.infer<typeof RoleSchema>;

/** Claims of the short-lived token the console signs for a user's MQTT connection. */
export const ConsoleTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  role: RoleSchema,
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  /**
   * The user's `auth_version` when the token was signed. The broker refuses (and disconnects)
   * a token whose user is gone or whose version or role moved on. Absent only on the console's
   * own service tokens, whose subject is not a user.
   */
  ver: z.number().int().nonnegative().optional(),
});
export type ConsoleTokenClaims = z.infer<typeof ConsoleTokenClaimsSchema>;

/** MQTT usernames of users start with this; device usernames are device ids (which never contain ':'). */
export const USER_USERNAME_PREFIX = "user:";
