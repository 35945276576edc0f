import type { Client } from "aedes";

/**
 * The live connections of each device (a device may hold several client ids `<id>:<n>`), with
 * the secret hash each authenticated with, so presence goes offline only with the last one and
 * a rotated or deleted secret finds every connection to close.
 */
export class DeviceConnections {
  private readonly byDevice = new Map<string, Map<Client, string>>();

  /** Returns true when this is the device's first live connection. */
  add(deviceId: string, client: Client, secretHash: string): boolean {
    let clients = this.byDevice.get(deviceId);
    const first = !clients || clients.size === 0;
    if (!clients) {
      clients = new Map();
      this.byDevice.set(deviceId, clients);
    }
    clients.set(client, secretHash);
    return first;
  }

  /** Returns true when the device has no live connection left. */
  remove(deviceId: string, client: Client): boolean {
    const clients = this.byDevice.get(deviceId);
    if (!clients) return true;
    clients.delete(client);
    if (clients.size > 0) return false;
    this.byDevice.delete(deviceId);
    return true;
  }

  entries(): IterableIterator<[string, Map<Client, string>]> {
    return this.byDevice.entries();
  }

  count(deviceId: string): number {
    return this.byDevice.get(deviceId)?.size ?? 0;
  }
}
