import type { Client, Subscription } from "aedes";
import { isReservedTopic } from "../drop";
import type { BrokerServices } from "../services";
import { deviceMaySubscribe } from "../validation/topic-cache";

type Callback = (error: Error | null, subscription?: Subscription | null) => void;

/**
 * Devices subscribe only to their own shadow/desired, commands and stream/request (no
 * wildcards at all); users read everything except the broker's own `$edgelens/` topics.
 * A refusal is a SUBACK failure (0x80) for that filter, not a disconnect; so is a filter past
 * the per-client subscription limit.
 */
export function createAuthorizeSubscribe(s: BrokerServices) {
  return function authorizeSubscribe(client: Client, subscription: Subscription, callback: Callback): void {
    const identity = s.identities.get(client);
    const allowed =
      identity !== undefined &&
      !isReservedTopic(subscription.topic) &&
      (identity.kind === "user" || deviceMaySubscribe(identity.deviceId, subscription.topic));
    const who = identity?.kind === "device" ? identity.deviceId : identity ? `user:${identity.sub}` : client.id;
    if (allowed && s.subscriptionLimit.admit(client, subscription.topic)) return callback(null, subscription);
    if (allowed) {
      s.metrics.limitHits.inc({ limit: "subscriptions" });
      s.rateLimitedLog(`sublimit:${who}`, "warn", `subscription to ${subscription.topic} refused: the client holds ${s.limits.maxSubscriptionsPerClient} already`, {
        code: "TOO_LARGE",
        ...(identity?.kind === "device" ? { deviceId: identity.deviceId } : { clientId: client.id }),
        filter: subscription.topic,
      });
      return callback(null, null);
    }
    s.metrics.subscribeDenied.inc();
    s.rateLimitedLog(`subdeny:${who}`, "warn", `subscription to ${subscription.topic} refused`, {
      code: "FORBIDDEN",
      ...(identity?.kind === "device" ? { deviceId: identity.deviceId } : { clientId: client.id }),
      filter: subscription.topic,
    });
    callback(null, null);
  };
}
