import type { AedesPublishPacket, Client } from "aedes";
import type { PublisherBackpressure } from "../limits/publisher-backpressure";
import type { BrokerServices } from "../services";
import { deviceTopicOf } from "../validation/topic-cache";
import { applyDeviceEffects } from "./device-effects";

type Callback = (error?: Error | null) => void;

/**
 * Runs after a message was stored and handed to subscribers. Acknowledges aedes first: neither
 * database writes nor rules may slow delivery, and rule actions run asynchronously.
 */
export function createPublished(s: BrokerServices, backpressure: PublisherBackpressure) {
  return function published(packet: AedesPublishPacket, client: Client | null, callback: Callback): void {
    callback(null);
    if (client) {
      s.inflight.end();
      backpressure.account(client, (packet.payload as Buffer).length);
    }
    if (packet.topic.charCodeAt(0) === 36 /* '$' */) return;
    s.metrics.messagesIn.inc();
    const payload = packet.payload as Buffer;
    const identity = s.identities.get(client);
    const now = Date.now();
    if (identity?.kind === "device" && payload.length > 0) {
      const topic = deviceTopicOf(packet.topic);
      if (topic && topic.deviceId === identity.deviceId) {
        if (topic.kind === "status" || topic.kind === "telemetry" || topic.kind === "deployments") applyDeviceEffects(s, topic, s.payloads.json(payload), now);
        else if (topic.kind === "frames") s.snapshots.onFrame(topic.deviceId, payload, now);
      }
    }
    s.rules.onMessage({ topic: packet.topic, payload, clientId: client?.id ?? null, timestamp: now });
  };
}
