import type { Client } from "aedes";
import { internals } from "./aedes-internals";
import type { BrokerServices } from "./services";

/**
 * Runs when the database changed under the broker (DataVersionWatcher). A connected device whose
 * row is gone (deregistered in the console) or whose secret hash changed (rotated) is closed
 * now, without its last will. A device that disappeared, connected or not, has its retained
 * status and reported shadow cleared so live views drop it. Its next CONNECT is refused by the
 * normal credential check, which reads the row every time.
 */
export class RevocationCheck {
  private known: Map<string, string>;
  private version: string;

  constructor(private readonly s: BrokerServices) {
    this.version = s.directory.authVersion();
    this.known = s.directory.snapshot();
  }

  /**
   * Returns how many connections were closed. Reads every device only when the devices' auth
   * version moved: the watcher wakes on any write by another process (a cluster node's presence).
   */
  run(): number {
    const s = this.s;
    const version = s.directory.authVersion();
    if (version === this.version) return 0;
    this.version = version;
    const live = s.directory.snapshot();
    s.directory.forgetExcept(new Set(live.values()));
    let closed = 0;
    for (const [deviceId, clients] of [...s.connections.entries()]) {
      const hash = live.get(deviceId);
      const revoked = [...clients].filter(([, authHash]) => authHash !== hash).map(([client]) => client);
      if (revoked.length === 0) continue;
      s.log.info(hash === undefined ? "device deregistered: closing its connections" : "device secret changed: closing its connections", {
        deviceId,
        connections: revoked.length,
      });
      for (const client of revoked) kickDevice(s, client, hash === undefined ? "deregistered" : "secret-rotated");
      closed += revoked.length;
    }
    for (const deviceId of this.known.keys()) {
      if (live.has(deviceId)) continue;
      s.presence.forget(deviceId);
      void s.status.clear(deviceId);
    }
    this.known = live;
    return closed;
  }
}

/** Closes a device connection without its last will, counted as dropped for `reason`. */
export function kickDevice(s: BrokerServices, client: Client, reason: string): void {
  s.kicked.add(client);
  s.metrics.clientsDropped.inc({ reason });
  internals(client).will = null;
  client.close();
}
