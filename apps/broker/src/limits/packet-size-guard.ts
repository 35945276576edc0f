import type { Client } from "aedes";
import { EdgelensError } from "@edgelens/shared/errors";
import { internals } from "../aedes-internals";

/**
 * aedes 1.2 has no maximum packet size, and mqtt-packet buffers a whole packet (up to MQTT's
 * 256 MiB) before it parses it. This checks the remaining length as soon as the fixed header is
 * read and fails that connection's parser, which closes that client only. The exact payload
 * limit is enforced again in authorize-publish; this bound adds room for the topic and headers.
 * Returns false when the parser is not the expected mqtt-packet (then only that check applies).
 */
const HEADER_ALLOWANCE = 64 * 1024;

export function guardPacketSize(client: Client, maxPayloadBytes: number): boolean {
  const parser = internals(client)._parser;
  const original = parser?._parseLength;
  if (!parser || typeof original !== "function" || typeof parser._emitError !== "function") return false;
  const limit = maxPayloadBytes + HEADER_ALLOWANCE;
  parser._parseLength = function parseLengthWithLimit(this: typeof parser): boolean {
    const ok = original.call(this);
    if (ok && this.packet.length > limit) {
      this._emitError?.(new EdgelensError("TOO_LARGE", `packet of ${this.packet.length} bytes exceeds the limit of ${limit}`, { clientId: client.id }));
      return false;
    }
    return ok;
  };
  return true;
}
