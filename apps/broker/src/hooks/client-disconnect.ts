import type { Client } from "aedes";
import { internals } from "../aedes-internals";
import { describeError } from "../log";
import type { BrokerServices } from "../services";

/** devices.presence offline; a database error is logged, never thrown into aedes. */
export function recordOffline(s: BrokerServices, deviceId: string): void {
  try {
    s.presence.markOffline(deviceId, Date.now());
  } catch (err) {
    s.log.error(`could not mark the device offline: ${describeError(err)}`, { code: "INTERNAL", deviceId });
  }
}

/**
 * The connection is gone. When a device's last connection goes it is offline; the retained
 * `status` says so through its last will when one fired, else the broker says it.
 * (Several connections of one device share one presence; a will of a non-last one still fires.)
 */
export function onClientDisconnect(s: BrokerServices, client: Client): void {
  const identity = s.identities.get(client);
  if (!identity) return;
  s.metrics.connections.dec({ kind: identity.kind });
  if (identity.kind !== "device") {
    s.userConnections.remove(client);
    return;
  }
  const last = s.connections.remove(identity.deviceId, client);
  if (!last) return;
  // Compare-and-delete: a device another node took keeps that node as its holder.
  s.clusterPresence?.release(identity.deviceId);
  if (s.movedAway.has(client)) {
    // Its new node said it online, maybe already: an offline from here would overwrite that.
    s.log.info("device moved to another broker node", { deviceId: identity.deviceId, clientId: client.id });
    return;
  }
  const kicked = s.kicked.has(client);
  recordOffline(s, identity.deviceId);
  // aedes clears client.will before this event; whether one was registered is noted at connect.
  const willFired = !internals(client)._disconnected && s.withWill.has(client);
  // A kicked client's will was removed: a rotated secret still leaves an offline status, a
  // deleted device's status was cleared by the deregistration check and stays cleared.
  if (!willFired && !s.closing && (!kicked || s.directory.find(identity.deviceId))) void s.status.announce(identity.deviceId, "offline");
  s.log.info("device disconnected", { deviceId: identity.deviceId, clientId: client.id, ...(kicked ? { kicked: true } : {}) });
}
