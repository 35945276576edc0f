/** Short-lived MQTT credentials for a user's browser (MQTT over WebSocket to the broker). */
import { signConsoleToken, USER_USERNAME_PREFIX, type Role } from "@edgelens/shared";
import type { ServiceContext } from "../context";

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
  const ttl = Math.max(30, Math.min(req.ttlSec ?? ctx.config.mqttTokenTtlSec, 7 * 24 * 3600));
  const iat = Math.floor(Date.now() / 1000);
  const password = await signConsoleToken({ sub: req.user.id, role: req.user.role, iat, exp: iat + ttl }, ctx.secret);
  return {
    username: `${USER_USERNAME_PREFIX}${req.user.id}`,
    password,
    wsUrl: browserWsUrl(ctx, req.requestHost),
    brokerUrl: ctx.config.brokerUrl,
    expiresAt: (iat + ttl) * 1000,
  };
}
