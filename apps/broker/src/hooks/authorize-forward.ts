import type { AedesPublishPacket, Client } from "aedes";
import { createDuplicateFilter } from "../delivery/duplicate-filter";
import { internals } from "../aedes-internals";
import { isDropped } from "../drop";
import type { PublisherBackpressure } from "../limits/publisher-backpressure";
import type { BrokerServices } from "../services";
import { deviceMaySubscribe } from "../validation/topic-cache";

/**
 * Last check before a message goes out. Devices get only what their ACL allows even from a
 * restored persistent session, dropped publishes never leave the broker, and overlapping
 * subscriptions deliver one copy (see delivery/duplicate-filter.ts).
 */
export function createAuthorizeForward(s: BrokerServices, backpressure: PublisherBackpressure) {
  const isDuplicate = createDuplicateFilter();
  return function authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    if (isDropped(packet.topic)) return null;
    if (isDuplicate(client, packet)) return null;
    const identity = s.identities.get(client);
    if (identity?.kind === "device" && !deviceMaySubscribe(identity.deviceId, packet.topic)) return null;
    s.metrics.messagesOut.inc();
    backpressure.forwarded(client, packet.payload.length, packet.qos > 0 ? deliveredQos(client, packet) : 0);
    return packet;
  };
}

/** aedes (lib/client.js deliverQoS) downgrades to the QoS of a subscription to exactly this topic. */
function deliveredQos(client: Client, packet: AedesPublishPacket): number {
  const sub = internals(client).subscriptions?.[packet.topic] as { qos?: number } | undefined;
  return sub && (sub.qos ?? 0) < packet.qos ? (sub.qos ?? 0) : packet.qos;
}
