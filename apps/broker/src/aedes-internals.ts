import { createRequire } from "node:module";
import type { IncomingMessage } from "node:http";
import type { Aedes, Client, PublishPacket } from "aedes";

/**
 * Fields of aedes 1.2's Client that its typings leave out but the broker relies on. Every use of
 * an aedes private goes through here so an aedes upgrade has one file to check.
 */
export interface MqttPacketParser {
  packet: { cmd?: string; length: number };
  _parseLength?: () => boolean;
  _emitError?: (err: Error) => void;
}

export interface ClientInternals {
  /** mqtt-packet parser: buffers a whole packet before parsing it, so size is checked on its header. */
  _parser?: MqttPacketParser;
  /** The last will registered at CONNECT (null after a clean DISCONNECT). */
  will?: PublishPacket | null;
  /** Set when the client sent DISCONNECT: aedes then drops the will. */
  _disconnected?: boolean;
  req?: IncomingMessage;
  /** The client's stored subscriptions by filter (aedes/lib/handlers/subscribe.js). */
  subscriptions?: Record<string, unknown>;
  /** Stops reading the socket: packets already read still finish (aedes/lib/client.js nextBatch). */
  pause?: () => void;
}

export function internals(client: Client): ClientInternals {
  return client as unknown as ClientInternals;
}

/** Connected clients by id (aedes.clients, untyped in aedes 1.2). */
export function connectedClients(aedes: Aedes): Client[] {
  return Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);
}

/** The part of mqtt-packet that aedes (lib/write.js) sends every packet through. */
export interface PacketWriter {
  writeToStream(packet: { cmd: string; messageId?: number }, stream: object, opts?: unknown): boolean;
}

/**
 * The mqtt-packet module aedes itself loaded (resolved from aedes' folder, so the same instance
 * its lib/write.js calls `writeToStream` on for each packet, looked up at call time).
 */
export function aedesPacketWriter(): PacketWriter {
  const local = createRequire(import.meta.url);
  return createRequire(local.resolve("aedes"))("mqtt-packet") as PacketWriter;
}
