/**
 * JSON parsed once per message: the publish check parses a device payload to validate it, the
 * presence/telemetry writers and the rules reuse that value. Keyed by the payload Buffer, which
 * aedes passes by reference from the wire packet to the `published` hook.
 */
export class ParsedPayloads {
  private readonly cache = new WeakMap<Buffer, { value: unknown }>();

  remember(payload: Buffer, value: unknown): void {
    this.cache.set(payload, { value });
  }

  /** The JSON value, or undefined when the payload is not JSON. */
  json(payload: Buffer): unknown {
    const hit = this.cache.get(payload);
    if (hit) return hit.value;
    let value: unknown;
    try {
      value = payload.length === 0 ? undefined : JSON.parse(payload.toString("utf8"));
    } catch {
      value = undefined;
    }
    this.cache.set(payload, { value });
    return value;
  }
}
