import type { Client, PublishPacket } from "aedes";
import { RETAINED_TOPIC_KINDS, userCanPublish } from "@edgelens/shared/topics";
import { EdgelensError } from "@edgelens/shared/errors";
import { dropPacket } from "../drop";
import { deviceOfClientId, type Identity } from "../identity";
import type { BrokerServices } from "../services";
import { checkPayload } from "../validation/check-payload";
import { deviceMayPublish } from "../validation/topic-cache";

type Callback = (error?: Error | null) => void;

/**
 * Who may publish what (docs/design.md "Identities and auth"): a device only its own non-console
 * topics, users only when admin. A refused or malformed publish is dropped (acknowledged, not
 * relayed, counted); a payload over the size limit closes the connection instead, because
 * MQTT 3.1.1 has no way to tell the sender and a client sending those is broken or hostile.
 */
export function createAuthorizePublish(s: BrokerServices) {
  /** A will published after a restart has no live client: it speaks for the device of its client id. */
  function orphanIdentity(packet: PublishPacket): Identity | undefined {
    const clientId = (packet as { clientId?: string }).clientId;
    const deviceId = clientId ? deviceOfClientId(clientId) : null;
    const row = deviceId ? s.directory.find(deviceId) : undefined;
    return row ? { kind: "device", deviceId: row.id, secretHash: row.secretHash } : undefined;
  }

  /**
   * Accepted (even if dropped) means aedes will publish it: counted until `published` sees it.
   * A plain function rather than a wrapper closure per message: this runs for every publish.
   */
  function accept(client: Client | null, decide: Callback): void {
    if (client) s.inflight.begin();
    decide(null);
  }

  function deny(client: Client | null, packet: PublishPacket, identity: Identity | undefined, reason: string, decide: Callback): void {
    s.metrics.publishDenied.inc({ reason });
    const who = identity?.kind === "device" ? identity.deviceId : identity ? `user:${identity.sub}` : "unknown";
    s.rateLimitedLog(`deny:${who}:${reason}`, "warn", `publish to ${packet.topic} dropped: ${reason}`, {
      code: "FORBIDDEN",
      ...(identity?.kind === "device" ? { deviceId: identity.deviceId } : { user: who }),
      topic: packet.topic,
    });
    dropPacket(packet);
    accept(client, decide);
  }

  return function authorizePublish(client: Client | null, packet: PublishPacket, decide: Callback): void {
    const identity = client ? s.identities.get(client) : orphanIdentity(packet);
    if (!identity) return deny(client, packet, identity, "unauthenticated", decide);
    // A stored will that aedes' will check fires while its client is connected here: stale. It was
    // stored by an earlier broker run and the device has reconnected since, or it is this node's own
    // after a Redis outage, when aedes missed this node's own heartbeats and took it for dead. (A
    // will fired because its connection died comes with the client closed.)
    const willBroker = (packet as { brokerId?: string }).brokerId;
    if (willBroker !== undefined && client && !client.closed) return deny(client, packet, identity, "stale-will", decide);
    // The will of a connection closed because the device connected to another node: it is not offline.
    if (client?.closed && s.movedAway.has(client)) return deny(client, packet, identity, "moved-node-will", decide);
    // A dead node's will, fired by aedes on this node, for a device that reconnected to a third node.
    if (!client && willBroker !== undefined && s.clusterPresence && identity.kind === "device") {
      const { deviceId } = identity;
      s.clusterPresence.heldByLiveNodes([deviceId], willBroker).then(
        (held) => (held.has(deviceId) ? deny(client, packet, identity, "moved-node-will", decide) : authorizeAs(client, packet, identity, decide)),
        () => authorizeAs(client, packet, identity, decide),
      );
      return;
    }
    authorizeAs(client, packet, identity, decide);
  };

  function authorizeAs(client: Client | null, packet: PublishPacket, identity: Identity, decide: Callback): void {
    if (packet.topic.startsWith("$")) return deny(client, packet, identity, "reserved-topic", decide);
    if (identity.kind === "device" ? !deviceMayPublish(identity.deviceId, packet.topic) : !userCanPublish(identity.role)) {
      return deny(client, packet, identity, identity.kind === "device" ? "acl" : "viewer", decide);
    }
    const payload = packet.payload as Buffer;
    if (payload.length > s.limits.maxPayloadBytes) {
      s.metrics.clientsDropped.inc({ reason: "payload-too-large" });
      const deviceId = identity.kind === "device" ? identity.deviceId : undefined;
      return decide(new EdgelensError("TOO_LARGE", `payload of ${payload.length} bytes on ${packet.topic} exceeds ${s.limits.maxPayloadBytes}`, { deviceId }));
    }
    const check = checkPayload(packet.topic, payload, packet.retain);
    if (!check.ok) {
      s.metrics.payloadInvalid.inc({ kind: check.topic.kind });
      s.rateLimitedLog(`invalid:${check.topic.deviceId}:${check.topic.kind}`, "warn", `malformed ${check.topic.kind} payload dropped: ${check.reason}`, {
        code: "INVALID_PAYLOAD",
        deviceId: check.topic.deviceId,
        topic: packet.topic,
      });
      dropPacket(packet);
      return accept(client, decide);
    }
    if (check.value !== undefined) s.payloads.remember(payload, check.value);
    // Retained only where the contract retains: elsewhere every new subscriber would receive an
    // unbounded pile (one device left 3,000 retained deployments/<id>). An empty retained
    // payload still goes through: it clears what an older broker kept.
    if (packet.retain && check.topic && payload.length > 0 && !RETAINED_TOPIC_KINDS.has(check.topic.kind)) {
      packet.retain = false;
      s.metrics.limitHits.inc({ limit: "retain" });
      s.rateLimitedLog(`retain:${check.topic.deviceId}:${check.topic.kind}`, "warn", `retain flag cleared on ${packet.topic}: the contract does not retain ${check.topic.kind}`, {
        code: "FORBIDDEN",
        deviceId: check.topic.deviceId,
        topic: packet.topic,
      });
    }
    const pendingStatus = check.topic?.kind === "status" ? s.status.pending(check.topic.deviceId) : undefined;
    if (pendingStatus) {
      const done = () => accept(client, decide);
      pendingStatus.then(done, done);
      return;
    }
    accept(client, decide);
  }
}
