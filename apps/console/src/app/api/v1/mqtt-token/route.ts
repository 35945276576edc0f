import { readQuery } from "@/server/http/body";
import { MqttTokenQuerySchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { issueMqttToken } from "@/server/services/mqtt-tokens";

export const dynamic = "force-dynamic";

/** Short-lived MQTT credentials with the caller's role, for MQTT over WebSocket from the browser. */
export const GET = route("viewer", async ({ req, ctx, user }) => {
  const { ttl } = readQuery(req, MqttTokenQuerySchema);
  return json(await issueMqttToken(ctx, { user, ttlSec: ttl, requestHost: req.headers.get("host") }));
});
