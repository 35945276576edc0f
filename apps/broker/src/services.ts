import type { ClusterPresence } from "./cluster-presence";
import type { BrokerLimits } from "./config";
import type { DurableAcks } from "./delivery/durable-ack";
import type { InflightPublishes } from "./delivery/inflight-publishes";
import type { DeviceConnections } from "./device-connections";
import type { DeviceDirectory } from "./db/device-directory";
import type { PresenceStore } from "./db/presence-store";
import type { TelemetryWriter } from "./db/telemetry-writer";
import type { FailureLimiter } from "./auth/failure-limiter";
import type { SubscriptionLimit } from "./limits/subscription-limit";
import type { UserConnections } from "./auth/user-connections";
import type { UserDirectory } from "./auth/user-directory";
import type { IdentityRegistry } from "./identity";
import type { Logger, RateLimitedLog } from "./log";
import type { BrokerMetrics } from "./metrics";
import type { StatusPublisher } from "./status-publisher";
import type { ParsedPayloads } from "./validation/parsed-payloads";
import type { RuleEngine } from "./rules/rule-engine";
import type { SnapshotCollector } from "./snapshots/snapshot-collector";
import type { EdgelensDb } from "@edgelens/db";

/** What the aedes hooks share; server.ts builds one per broker instance. */
export interface BrokerServices {
  db: EdgelensDb;
  secret: string;
  limits: BrokerLimits;
  log: Logger;
  rateLimitedLog: RateLimitedLog;
  metrics: BrokerMetrics;
  identities: IdentityRegistry;
  directory: DeviceDirectory;
  failures: FailureLimiter;
  subscriptionLimit: SubscriptionLimit;
  users: UserDirectory;
  /** Live user connections, closed when their token expires or is revoked. */
  userConnections: UserConnections;
  connections: DeviceConnections;
  presence: PresenceStore;
  telemetry: TelemetryWriter;
  status: StatusPublisher;
  payloads: ParsedPayloads;
  rules: RuleEngine;
  /** Links `store` events to the frame their snapshot command asked for. */
  snapshots: SnapshotCollector;
  /** Clients the broker is closing on purpose (deregistered): their will is not published. */
  kicked: WeakSet<object>;
  /** Clients that registered a last will at CONNECT. */
  withWill: WeakSet<object>;
  /** Clients closed because their device connected to another broker node (cluster): no offline for them. */
  movedAway: WeakSet<object>;
  /** In a cluster: which node holds each device, in Redis (set once aedes exists); null for one broker. */
  clusterPresence: ClusterPresence | null;
  /** This aedes instance's id (wills stored by an earlier run carry another). */
  brokerId: string;
  /** Accepted client publishes not yet through `published`: shutdown waits for them. */
  inflight: InflightPublishes;
  /** Holds QoS 1 PUBACKs until the message is durable; null when EDGELENS_BROKER_DURABLE_ACK=0. */
  acks: DurableAcks | null;
  /** Set at shutdown: the broker announces every device offline itself, once. */
  closing: boolean;
}
