/** `GET /api/v1/mqtt-token` (SERVICES.md "MQTT"): the browser's short-lived broker credentials. */
export type MqttToken = { username: string; password: string; wsUrl: string; expiresAt: number };

export async function fetchMqttToken(): Promise<MqttToken> {
  const res = await fetch("/api/v1/mqtt-token", { cache: "no-store", credentials: "same-origin" });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
    throw new Error(`Could not get a broker token: ${message}`);
  }
  const t = body as Partial<MqttToken> | null;
  if (!t || typeof t.username !== "string" || typeof t.password !== "string" || typeof t.wsUrl !== "string" || typeof t.expiresAt !== "number") {
    throw new Error("Could not get a broker token: the console answered an unexpected shape");
  }
  return { username: t.username, password: t.password, wsUrl: t.wsUrl, expiresAt: t.expiresAt };
}

/** expiresAt may come in seconds or milliseconds; returns ms until a refresh is due (80% of the remaining life). */
export function refreshDelayMs(expiresAt: number, now = Date.now()): number {
  const expiresMs = expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
  return Math.max(5_000, (expiresMs - now) * 0.8);
}
