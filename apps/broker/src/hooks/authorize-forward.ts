import type { AedesPublishPacket, Client } from "aedes";
import { isDropped } from "../drop";
import type { BrokerServices } from "../services";
import { deviceMaySubscribe } from "../validation/topic-cache";

/**
 * Last check before a message goes out. Devices get only what their ACL allows even from a
 * restored persistent session, and dropped publishes never leave the broker.
 */
export function createAuthorizeForward(s: BrokerServices) {
  return function authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    if (isDropped(packet.topic)) return null;
    const identity = s.identities.get(client);
    if (identity?.kind === "device" && !deviceMaySubscribe(identity.deviceId, packet.topic)) return null;
    s.metrics.messagesOut.inc();
    return packet;
  };
}
