import type { Aedes, Client } from "aedes";

interface Router {
  on(topic: string, listener: (packet: { topic: string } & Record<string, unknown>, done: () => void) => void): unknown;
}

/**
 * In a cluster, a device that reconnects to another node takes its session over: aedes on this
 * node hears `$SYS/<node>/new/clients` through the shared router and closes its connection of
 * that client id, down to the disconnect event, within that same dispatch. This listener marks
 * the client `movedAway` first, so that its disconnect says nothing of presence and its will is
 * not published: the device is online on the other node. It must be registered on the router
 * before aedes is created (the router calls listeners in the order they came); `node` is read
 * when a message comes.
 */
export function watchClusterTakeovers(mq: Router, node: () => Aedes | undefined, movedAway: WeakSet<object>): void {
  mq.on("$SYS/+/new/clients", (packet, done) => {
    const aedes = node() as unknown as { id: string; clients: Record<string, Client | undefined> } | undefined;
    const from = packet.topic.split("/")[1];
    const client = aedes?.clients[String(packet.payload)];
    if (aedes && client && from !== aedes.id) movedAway.add(client);
    done();
  });
}
