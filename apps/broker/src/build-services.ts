import { dataPaths, type DatabaseHandle } from "@edgelens/db";
import { topics } from "@edgelens/shared/topics";
import type { BrokerPublish } from "./broker-publish";
import type { BrokerConfig } from "./config";
import { DeviceConnections } from "./device-connections";
import { DurableAcks } from "./delivery/durable-ack";
import { InflightPublishes } from "./delivery/inflight-publishes";
import type { ClipRequest } from "@edgelens/shared";
import { failClipRequest, recordClipRequest } from "./db/clip-requests";
import { DeviceDirectory } from "./db/device-directory";
import { PresenceStore } from "./db/presence-store";
import { TelemetryWriter } from "./db/telemetry-writer";
import { FailureLimiter } from "./auth/failure-limiter";
import { SubscriptionLimit } from "./limits/subscription-limit";
import { UserConnections } from "./auth/user-connections";
import { UserDirectory } from "./auth/user-directory";
import { IdentityRegistry } from "./identity";
import { createRateLimitedLog, describeError, type Logger } from "./log";
import type { BrokerMetrics } from "./metrics";
import { createRuleAction } from "./rules/actions/create-action";
import { WorkQueue } from "./rules/actions/work-queue";
import { EventWriter } from "./rules/event-writer";
import { RuleLineage } from "./rules/lineage";
import { RuleCounters } from "./rules/rule-counters";
import { RuleEngine } from "./rules/rule-engine";
import type { BrokerServices } from "./services";
import { SnapshotCollector } from "./snapshots/snapshot-collector";
import type { SnapshotRequestStore } from "./snapshots/snapshot-request-store";
import { StatusPublisher } from "./status-publisher";
import { ParsedPayloads } from "./validation/parsed-payloads";

export interface BuiltServices {
  services: BrokerServices;
  counters: RuleCounters;
  events: EventWriter;
  snapshots: SnapshotCollector;
}

export interface ServiceOptions {
  /** First webhook retry delay (tests shorten it). */
  webhookBackoffMs?: number;
  /** How long a `store` snapshot request waits for the device's frame (default 15 s; tests shorten it). */
  snapshotExpiryMs?: number;
}

/** Everything the hooks share, wired once per broker instance. */
export function buildServices(
  config: BrokerConfig,
  handle: DatabaseHandle,
  secret: string,
  log: Logger,
  metrics: BrokerMetrics,
  publish: BrokerPublish,
  snapshotRequests: SnapshotRequestStore,
  options: ServiceOptions = {},
): BuiltServices {
  const db = handle.db;
  const rateLimitedLog = createRateLimitedLog(log);
  const presence = new PresenceStore(db);
  const payloads = new ParsedPayloads();
  const lineage = new RuleLineage();
  const counters = new RuleCounters(db, log);
  // Durable acks wait for the commit: group commit on the next turn instead of every 200 ms.
  const events = new EventWriter(db, log, config.durableAck ? 0 : 200);
  const webhooks = new WorkQueue(16, 10_000);
  const rulePublish = (topic: string, payload: Buffer, qos: 0 | 1, chain: readonly string[]) => {
    lineage.mark(payload, chain);
    return publish(topic, payload, { qos, retain: false });
  };
  const snapshots = new SnapshotCollector(dataPaths(config.dataDir), db, log, metrics, {
    store: snapshotRequests,
    ...(options.snapshotExpiryMs !== undefined ? { expiryMs: options.snapshotExpiryMs } : {}),
  });
  const requestSnapshot = async (deviceId: string, eventId: number, ruleName: string) => {
    const command = { cmd: "snapshot", id: `event-${eventId}`, args: { eventId, rule: ruleName } };
    // Registered first: the device may answer before the publish below resolves.
    snapshots.expect(deviceId, eventId);
    try {
      await publish(topics.commands(deviceId), Buffer.from(JSON.stringify(command)), { qos: 1, retain: false });
    } catch (err) {
      snapshots.cancel(deviceId, eventId);
      throw err;
    }
  };
  const requestClip = async (deviceId: string, request: ClipRequest, ruleName: string) => {
    const command = { cmd: "clip", id: request.clipId, args: { ...request, rule: ruleName } };
    recordClipRequest(db, deviceId, request);
    try {
      await publish(topics.commands(deviceId), Buffer.from(JSON.stringify(command)), { qos: 1, retain: false });
    } catch (err) {
      failClipRequest(db, deviceId, request.clipId, "ACTION_FAILED", `the clip command could not be sent: ${describeError(err)}`);
      throw err;
    }
  };
  const rules = new RuleEngine({
    db,
    log,
    rateLimitedLog,
    metrics,
    payloads,
    lineage,
    counters,
    createAction: (c) => createRuleAction(c, { publish: rulePublish, events, webhooks, webhookAllow: config.webhookAllow, requestSnapshot, requestClip, ...(options.webhookBackoffMs !== undefined ? { webhookBackoffMs: options.webhookBackoffMs } : {}) }),
  });
  const users = new UserDirectory(db);
  const services: BrokerServices = {
    db,
    secret,
    limits: config.limits,
    log,
    rateLimitedLog,
    metrics,
    identities: new IdentityRegistry(),
    directory: new DeviceDirectory(db),
    failures: new FailureLimiter(config.limits.authFailuresPerMinute),
    subscriptionLimit: new SubscriptionLimit(config.limits.maxSubscriptionsPerClient),
    users,
    userConnections: new UserConnections(users, log, metrics),
    connections: new DeviceConnections(),
    presence,
    telemetry: new TelemetryWriter(db, config.telemetryIntervalMs, log),
    status: new StatusPublisher(publish, presence, log),
    payloads,
    rules,
    snapshots,
    kicked: new WeakSet(),
    withWill: new WeakSet(),
    movedAway: new WeakSet(),
    clusterPresence: null,
    inflight: new InflightPublishes(),
    acks: config.durableAck
      ? new DurableAcks((client, err) => {
          log.error(`closing ${client.id} without acknowledging: its message could not be made durable: ${describeError(err)}`, { code: "INTERNAL", clientId: client.id });
        })
      : null,
    closing: false,
    brokerId: "",
  };
  return { services, counters, events, snapshots };
}
