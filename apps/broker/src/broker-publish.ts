import type { Aedes, PublishPacket } from "aedes";

/** A publish made by the broker itself (status, rule output): no client, no ACL. */
export type BrokerPublish = (topic: string, payload: Buffer, options: { qos: 0 | 1; retain: boolean }) => Promise<void>;

export function createBrokerPublish(broker: Aedes): BrokerPublish {
  return (topic, payload, { qos, retain }) =>
    new Promise((resolve, reject) => {
      const packet: PublishPacket = { cmd: "publish", topic, payload, qos, retain, dup: false };
      broker.publish(packet, (err?: Error) => (err ? reject(err) : resolve()));
    });
}
