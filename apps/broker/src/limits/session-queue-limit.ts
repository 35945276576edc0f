import type { LevelPersistence } from "aedes-persistence-level";

interface QueuedSub {
  clientId: string;
}

interface QueuedPacket {
  topic: string;
  payload: Buffer | string;
}

type Persistence = LevelPersistence & {
  outgoingEnqueueCombi(subs: QueuedSub[], packet: QueuedPacket): Promise<void>;
  outgoingStream(client: { id: string }): unknown;
};

/**
 * Bounds what the broker queues for one offline persistent session (issue 13: queues grew
 * without bound). aedes queues a QoS 1/2 message for each offline subscriber through
 * `outgoingEnqueueCombi` and hands the whole queue over, emptying it, through `outgoingStream`
 * when the client reconnects; past `maxBytes` further messages for that session are dropped
 * (`onDrop` counts and logs). The count lives in memory: messages queued by an earlier broker
 * run are not in it, so after a restart a session may hold up to twice the bound.
 */
export function limitSessionQueues(persistence: LevelPersistence, maxBytes: number, onDrop: (clientId: string, queuedBytes: number) => void): void {
  const p = persistence as Persistence;
  const queued = new Map<string, number>();
  const enqueue = p.outgoingEnqueueCombi.bind(p);
  const stream = p.outgoingStream.bind(p);
  p.outgoingEnqueueCombi = (subs, packet) => {
    const size = packet.topic.length + (typeof packet.payload === "string" ? Buffer.byteLength(packet.payload) : packet.payload.length);
    const admitted = subs.filter((sub) => {
      const now = queued.get(sub.clientId) ?? 0;
      if (now + size > maxBytes) {
        onDrop(sub.clientId, now);
        return false;
      }
      queued.set(sub.clientId, now + size);
      return true;
    });
    return admitted.length === 0 ? Promise.resolve() : enqueue(admitted, packet);
  };
  p.outgoingStream = (client) => {
    queued.delete(client.id);
    return stream(client);
  };
}
