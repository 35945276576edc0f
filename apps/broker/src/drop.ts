import type { PublishPacket } from "aedes";

/**
 * MQTT 3.1.1 section 3.3.5: a server that refuses a PUBLISH either acknowledges it normally or
 * closes the connection. aedes only offers the second (an error from authorizePublish), so a
 * refused publish is re-addressed to this topic instead: it is acknowledged, stored nowhere
 * (retain cleared), and reaches nobody (subscribing to `$edgelens/...` is refused, wildcards
 * never match `$` topics, and authorizeForward drops it too).
 */
export const DROP_TOPIC = "$edgelens/dropped";

const EMPTY = Buffer.alloc(0);

export function dropPacket(packet: PublishPacket): void {
  packet.topic = DROP_TOPIC;
  packet.retain = false;
  packet.payload = EMPTY;
}

export function isDropped(topic: string): boolean {
  return topic === DROP_TOPIC;
}

/** Topics under `$edgelens/` are the broker's own. */
export function isReservedTopic(topic: string): boolean {
  return topic.startsWith("$edgelens/") || topic === "$edgelens";
}
