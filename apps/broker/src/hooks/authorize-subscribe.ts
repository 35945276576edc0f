import type { Client, Subscription } from "aedes";
import { isReservedTopic } from "../drop";
import type { BrokerServices } from "../services";
import { deviceMaySubscribe } from "../validation/topic-cache";

type Callback = (error: Error | null, subscription?: Subscription | null) => void;

/**
 * Devices subscribe only to their own shadow/desired, commands and stream/request (no
 * wildcards at all); users read everything except the broker's own `$edgelens/` topics.
 * A refusal is a SUBACK failure (0x80) for that filter, not a disconnect.
 */
export function createAuthorizeSubscribe(s: BrokerServices) {
  return function authorizeSubscribe(client: Client, subscription: Subscription, callback: Callback): void {
    const identity = s.identities.get(client);
    const allowed =
      identity !== undefined &&
      !isReservedTopic(subscription.topic) &&
      (identity.kind === "user" || deviceMaySubscribe(identity.deviceId, subscription.topic));
    if (allowed) return callback(null, subscription);
    const who = identity?.kind === "device" ? identity.deviceId : identity ? `user:${identity.sub}` : client.id;
    s.metrics.subscribeDenied.inc();
    s.rateLimitedLog(`subdeny:${who}`, "warn", `subscription to ${subscription.topic} refused`, {
      code: "FORBIDDEN",
      ...(identity?.kind === "device" ? { deviceId: identity.deviceId } : { clientId: client.id }),
      filter: subscription.topic,
    });
    callback(null, null);
  };
}
