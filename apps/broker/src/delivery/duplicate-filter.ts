import type { Client } from "aedes";

/**
 * aedes skips a message for a client unless its brokerCounter is above the last one that client
 * got (`dedupe` in aedes/lib/client.js, meant for a cluster of brokers sharing an emitter). That
 * assumes messages are emitted in counter order, and they are not: the counter is taken when a
 * publish arrives, but a QoS 1 publish is emitted only after LevelDB has queued it for every
 * persistent session (writes that finish in any order), while QoS 0 and retained-free paths do not
 * wait. A message overtaken that way reached no online client at all, clean or persistent
 * (test/persistent-session-restart.test.ts lost 1–3 of 70). Edgelens runs one broker, so this
 * turns that check off and keeps only what it was also doing: one copy per message when a
 * client's subscriptions overlap (MQTT 3.1.1 §3.3.5 allows more; clients do not expect them).
 */
const NEVER_SEEN: Record<string, number> = new Proxy(Object.create(null) as Record<string, number>, {
  get: () => undefined,
  set: () => true,
});

export function disableCounterDedupe(client: Client): void {
  (client as unknown as { duplicates: Record<string, number> }).duplicates = NEVER_SEEN;
}

/**
 * mqemitter runs every matching subscription handler of one message in one synchronous pass, and
 * aedes wraps the message in a new Packet per subscription (same brokerId and brokerCounter), so
 * a client whose subscriptions overlap sees the same key twice in a row. Only live deliveries are
 * filtered: a persistent session's queued message already carries its messageId, and dropping
 * it here would also clear it from the session's store.
 */
export function createDuplicateFilter(): (client: Client, packet: { brokerId?: string; brokerCounter?: number; messageId?: number }) => boolean {
  const last = new WeakMap<Client, string>();
  return (client, packet) => {
    if (packet.messageId !== undefined || packet.brokerId === undefined) return false;
    const key = `${packet.brokerId}:${packet.brokerCounter}`;
    if (last.get(client) === key) return true;
    last.set(client, key);
    return false;
  };
}
