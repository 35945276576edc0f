import type { Client } from "aedes";
import { EdgelensError } from "@edgelens/shared/errors";

type DrainCallback = (error: Error | null, client: Client) => void;

interface BacklogInternals {
  waitForDrain?: (callback: DrainCallback) => void;
  conn: { writableLength: number; destroyed: boolean; destroy(error?: Error): void };
}

/**
 * aedes (1.2, lib/write.js) finishes a delivery only when the subscriber's socket drains, and a
 * message only when all its deliveries finished; its emitter has 1000 slots. A subscriber that
 * stops reading (a frozen browser tab, a phone on a dead link) so held a slot per message until
 * aedes' 60 s drain timeout, and after 1000 messages every publisher and subscriber of the
 * broker waited with it (test/slow-subscriber.test.ts). Instead a delivery finishes as soon as
 * it is in the socket's buffer, and a client whose unsent bytes pass `maxBytes` is dropped, which
 * bounds its memory. A persistent session loses nothing by that: its QoS 1 messages stay queued
 * until it reconnects and acknowledges them. Returns false if aedes' internals changed.
 */
export function guardClientBacklog(client: Client, maxBytes: number, onDrop: (backlogBytes: number) => void): boolean {
  const c = client as unknown as BacklogInternals;
  if (typeof c.waitForDrain !== "function" || typeof c.conn?.writableLength !== "number") return false;
  c.waitForDrain = (callback) => {
    const backlog = c.conn.writableLength;
    if (backlog > maxBytes && !c.conn.destroyed) {
      onDrop(backlog);
      c.conn.destroy(new EdgelensError("TOO_LARGE", `client ${client.id} stopped reading: ${backlog} bytes waiting to be sent, more than ${maxBytes}`, { clientId: client.id }));
    }
    setImmediate(callback, null, client);
  };
  return true;
}
