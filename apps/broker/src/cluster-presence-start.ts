import type { Redis } from "ioredis";
import { ClusterPresence } from "./cluster-presence";
import { recordOffline } from "./hooks/client-disconnect";
import type { BrokerServices } from "./services";

/**
 * A cluster node's presence bookkeeping (cluster-presence.ts), started: devices of dead nodes go
 * offline here as the sweep finds them, and of the devices the database shows online, those no
 * live node holds are marked offline now. Returns how many that was.
 */
export async function startClusterPresence(s: BrokerServices, redis: Redis, node: string, heartbeatMs: number): Promise<number> {
  const presence = new ClusterPresence({
    redis,
    node,
    heartbeatMs,
    onOrphaned: (deviceId) => {
      // Back on a live node since? Its own hello wins; this only catches those that are not.
      if (s.connections.count(deviceId) > 0) return;
      recordOffline(s, deviceId);
      void s.status.announce(deviceId, "offline");
      s.log.info("device offline: its broker node died", { deviceId });
    },
    localDevices: () => [...s.connections.entries()].map(([deviceId]) => deviceId),
    onReclaimed: (deviceIds) => {
      const online = new Set(s.presence.onlineDeviceIds());
      for (const deviceId of deviceIds) {
        if (online.has(deviceId) || s.connections.count(deviceId) === 0) continue;
        s.presence.markOnline(deviceId, Date.now());
        void s.status.announce(deviceId, "online");
        s.log.info("device online again: this node was cut off from the cluster's Redis", { deviceId });
      }
    },
    onError: (err) => s.rateLimitedLog("cluster-presence", "warn", `cluster presence: ${err.message}`, { code: "INTERNAL" }),
  });
  s.clusterPresence = presence;
  await presence.start();
  const online = s.presence.onlineDeviceIds();
  const live = new Set<string>();
  for (let i = 0; i < online.length; i += 1000) for (const id of await presence.heldByLiveNodes(online.slice(i, i + 1000))) live.add(id);
  const stale = online.filter((id) => !live.has(id));
  s.presence.markOfflineMany(stale, Date.now());
  return stale.length;
}
