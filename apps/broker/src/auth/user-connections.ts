import type { Client } from "aedes";
import type { Logger } from "../log";
import type { BrokerMetrics } from "../metrics";
import type { UserClaims, UserDirectory } from "./user-directory";

interface LiveUser extends UserClaims {
  /** Token expiry, unix seconds. */
  exp: number;
}

/**
 * The live MQTT connections of console users with the token each connected with. A token is
 * checked at CONNECT only; this closes a connection once its token expires (`expire`, on a
 * timer) or once its user was deleted, or changed role or auth version (`revoke`, when the
 * console wrote to the database), so a revoked credential loses its live session within a poll.
 */
export class UserConnections {
  private readonly live = new Map<Client, LiveUser>();

  constructor(
    private readonly users: UserDirectory,
    private readonly log: Logger,
    private readonly metrics: BrokerMetrics,
  ) {}

  add(client: Client, user: LiveUser): void {
    this.live.set(client, user);
  }

  remove(client: Client): void {
    this.live.delete(client);
  }

  get size(): number {
    return this.live.size;
  }

  /** Closes connections whose token expired; returns how many. */
  expire(nowSec = Math.floor(Date.now() / 1000)): number {
    let closed = 0;
    for (const [client, user] of [...this.live]) {
      if (user.exp > nowSec) continue;
      this.close(client, user, "token-expired");
      closed++;
    }
    return closed;
  }

  /** Re-reads each connected user; closes those whose token no longer holds. Returns how many. */
  revoke(): number {
    let closed = 0;
    for (const [client, user] of [...this.live]) {
      const check = this.users.check(user);
      if (check.ok) continue;
      this.close(client, user, check.reason);
      closed++;
    }
    return closed;
  }

  private close(client: Client, user: LiveUser, reason: string): void {
    this.live.delete(client);
    this.metrics.clientsDropped.inc({ reason });
    this.log.info("user connection closed: its credential no longer holds", { code: "UNAUTHORIZED", user: user.sub, clientId: client.id, reason });
    client.close();
  }
}
