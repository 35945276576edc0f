import type { AedesPublishPacket, Client } from "aedes";
import type { PublisherBackpressure } from "../limits/publisher-backpressure";
import type { BrokerServices } from "../services";
import { deviceTopicOf } from "../validation/topic-cache";
import { applyDeviceEffects } from "./device-effects";

type Callback = (error?: Error | null) => void;

/**
 * Runs after a message was stored, queued for offline persistent sessions and handed to
 * subscribers. Calls aedes back first (neither database writes nor rules may slow delivery;
 * rule actions run asynchronously), except for QoS 2 with durable acks: aedes writes its PUBREC
 * on that callback, so it comes after the rules' durable writes. A QoS 1 PUBACK waits for them
 * in `s.acks` (src/delivery/durable-ack.ts).
 */
export function createPublished(s: BrokerServices, backpressure: PublisherBackpressure) {
  return function published(packet: AedesPublishPacket, client: Client | null, callback: Callback): void {
    const holdPubrec = client !== null && s.acks !== null && packet.qos === 2;
    if (!holdPubrec) callback(null);
    if (client) {
      s.inflight.end();
      backpressure.account(client, (packet.payload as Buffer).length);
    }
    const durable = deliver(s, packet, client);
    // A failed write is also the store action's failure (counted, logged, error action).
    durable?.catch(() => undefined);
    if (client && s.acks) s.acks.settle(client, packet, durable);
    if (!holdPubrec) return;
    if (durable) durable.then(() => callback(null), (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    else callback(null);
  };
}

/** Device effects, snapshot frames and rules of one message; returns the rules' durable writes. */
function deliver(s: BrokerServices, packet: AedesPublishPacket, client: Client | null): Promise<unknown> | undefined {
  if (packet.topic.charCodeAt(0) === 36 /* '$' */) return undefined;
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
  return s.rules.onMessage({ topic: packet.topic, payload, clientId: client?.id ?? null, timestamp: now });
}
