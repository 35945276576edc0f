/** Short-lived MQTT credentials for a user's browser (MQTT over WebSocket to the broker). */
import { EdgelensError, signConsoleToken, USER_USERNAME_PREFIX, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { findUserAuth } from "./users";

export interface MqttCredentials {
  username: string;
  password: string;
  wsUrl: string;
  brokerUrl: string;
  expiresAt: number;
}

export interface MqttTokenRequest {
  user: { id: string; role: Role };
  ttlSec?: number;
  /** Host the browser used to reach the console: the broker's WebSocket is on the same host by default. */
  requestHost?: string | null;
}

export function browserWsUrl(ctx: ServiceContext, requestHost?: string | null): string {
  if (ctx.config.wsUrl) return ctx.config.wsUrl;
  const hostname = requestHost ? new URL(`http://${requestHost}`).hostname : new URL(ctx.config.consoleUrl).hostname;
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return `ws://${host}:${ctx.config.wsPort}`;
}

export async function issueMqttToken(ctx: ServiceContext, req: MqttTokenRequest): Promise<MqttCredentials> {
  // EDGELENS_MQTT_TOKEN_TTL is the default and the cap: a caller may ask for less, never more.
  const ttl = Math.max(30, Math.min(req.ttlSec ?? ctx.config.mqttTokenTtlSec, ctx.config.mqttTokenTtlSec));
  const found = findUserAuth(ctx, req.user.id);
  if (!found) throw new EdgelensError("UNAUTHORIZED", "the user no longer exists", { userId: req.user.id });
  const iat = Math.floor(Date.now() / 1000);
  // `ver` lets the broker refuse and disconnect the token once the user signs out, changes
  // password or role, or is deleted.
  const claims = { sub: req.user.id, role: found.user.role, ver: found.authVersion, iat, exp: iat + ttl };
  const password = await signConsoleToken(claims, ctx.secret);
  return {
    username: `${USER_USERNAME_PREFIX}${req.user.id}`,
    password,
    wsUrl: browserWsUrl(ctx, req.requestHost),
    brokerUrl: ctx.config.brokerUrl,
    expiresAt: (iat + ttl) * 1000,
  };
}
