import type { Client } from "aedes";
import { internals } from "../aedes-internals";
import { kickDevice } from "../deregistration";
import { describeError } from "../log";
import type { BrokerServices } from "../services";

/** CONNACK sent: count the connection; a device's first connection makes it online and registered. */
export function onClientReady(s: BrokerServices, client: Client): void {
  const identity = s.identities.get(client);
  if (!identity) return;
  s.metrics.connections.inc({ kind: identity.kind });
  if (internals(client).will) s.withWill.add(client);
  if (identity.kind !== "device") {
    s.userConnections.add(client, identity);
    s.log.debug("user connected", { user: identity.sub, role: identity.role, clientId: client.id });
    return;
  }
  const first = s.connections.add(identity.deviceId, client, identity.secretHash);
  // The row may have gone (or its secret changed) between the credential check and now: the
  // deregistration check that ran meanwhile did not see this connection yet.
  const row = s.directory.find(identity.deviceId);
  if (row?.secretHash !== identity.secretHash) {
    s.log.info("device deregistered while connecting: closing the connection", { deviceId: identity.deviceId });
    kickDevice(s, client, row ? "secret-rotated" : "deregistered");
    return;
  }
  if (!first) return;
  s.clusterPresence?.hold(identity.deviceId);
  try {
    s.presence.markOnline(identity.deviceId, Date.now());
  } catch (err) {
    s.log.error(`could not mark the device online: ${describeError(err)}`, { code: "INTERNAL", deviceId: identity.deviceId });
  }
  void s.status.announce(identity.deviceId, "online");
  s.log.info("device connected", { deviceId: identity.deviceId, clientId: client.id });
}
