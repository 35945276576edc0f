import type { IncomingMessage } from "node:http";
import type { Client, PublishPacket } from "aedes";

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
}

export function internals(client: Client): ClientInternals {
  return client as unknown as ClientInternals;
}
