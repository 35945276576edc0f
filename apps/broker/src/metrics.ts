import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

/**
 * Prometheus metrics of one broker instance. Each instance has its own registry so that tests
 * can run several brokers in one process.
 */
export interface BrokerMetrics {
  registry: Registry;
  connections: Gauge<"kind">;
  messagesIn: Counter;
  messagesOut: Counter;
  messagesInPerSecond: Gauge;
  messagesOutPerSecond: Gauge;
  publishDenied: Counter<"reason">;
  subscribeDenied: Counter;
  payloadInvalid: Counter<"kind">;
  authFailures: Counter<"reason">;
  clientsDropped: Counter<"reason">;
  /** Requests refused or trimmed by a per-client limit: subscriptions, retain. */
  limitHits: Counter<"limit">;
  ruleExecutions: Counter<"rule">;
  ruleFailures: Counter<"rule">;
  /** `store` snapshot requests by outcome: stored, expired, dropped (too many waiting), failed. */
  snapshotRequests: Counter<"outcome">;
  /** Events and snapshot files removed by the retention limits. */
  pruned: Counter<"what">;
  /** Publishers whose sockets are not read right now (backpressure), and how often one was paused. */
  publishersPaused: Gauge;
  /** Unsent bytes summed over the clients that are reading (stalled ones left out), as backpressure last measured. */
  subscriberBacklog: Gauge;
  backpressurePauses: Counter;
  stop(): void;
}

export function createBrokerMetrics(): BrokerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: "edgelens_broker_" });
  const messagesIn = new Counter({ name: "edgelens_broker_messages_in_total", help: "PUBLISH packets accepted from clients and rules", registers });
  const messagesOut = new Counter({ name: "edgelens_broker_messages_out_total", help: "PUBLISH packets forwarded to subscribers", registers });
  const messagesInPerSecond = new Gauge({ name: "edgelens_broker_messages_in_per_second", help: "messages in over the last second", registers });
  const messagesOutPerSecond = new Gauge({ name: "edgelens_broker_messages_out_per_second", help: "messages out over the last second", registers });
  let lastIn = 0;
  let lastOut = 0;
  // Per-second gauges for dashboards without PromQL; counters stay the source of truth.
  const timer = setInterval(() => {
    void Promise.all([messagesIn.get(), messagesOut.get()]).then(([i, o]) => {
      const inNow = i.values[0]?.value ?? 0;
      const outNow = o.values[0]?.value ?? 0;
      messagesInPerSecond.set(inNow - lastIn);
      messagesOutPerSecond.set(outNow - lastOut);
      lastIn = inNow;
      lastOut = outNow;
    });
  }, 1000);
  timer.unref();
  return {
    registry,
    connections: new Gauge({ name: "edgelens_broker_connections", help: "connected clients by kind (device, user)", labelNames: ["kind"], registers }),
    messagesIn,
    messagesOut,
    messagesInPerSecond,
    messagesOutPerSecond,
    publishDenied: new Counter({ name: "edgelens_broker_publish_denied_total", help: "publishes dropped by the ACL", labelNames: ["reason"], registers }),
    subscribeDenied: new Counter({ name: "edgelens_broker_subscribe_denied_total", help: "subscriptions refused by the ACL (SUBACK 0x80)", registers }),
    payloadInvalid: new Counter({ name: "edgelens_broker_payload_invalid_total", help: "malformed payloads dropped, by topic kind", labelNames: ["kind"], registers }),
    authFailures: new Counter({ name: "edgelens_broker_auth_failures_total", help: "refused CONNECTs by reason", labelNames: ["reason"], registers }),
    clientsDropped: new Counter({ name: "edgelens_broker_clients_dropped_total", help: "connections closed by the broker by reason", labelNames: ["reason"], registers }),
    limitHits: new Counter({ name: "edgelens_broker_limit_hits_total", help: "requests refused or trimmed by a per-client limit, by limit", labelNames: ["limit"], registers }),
    ruleExecutions: new Counter({ name: "edgelens_broker_rule_executions_total", help: "rule matches (WHERE held)", labelNames: ["rule"], registers }),
    ruleFailures: new Counter({ name: "edgelens_broker_rule_failures_total", help: "rule evaluation or action failures", labelNames: ["rule"], registers }),
    snapshotRequests: new Counter({
      name: "edgelens_broker_snapshot_requests_total",
      help: "snapshot requests of store actions by outcome (stored, expired, dropped, failed)",
      labelNames: ["outcome"],
      registers,
    }),
    pruned: new Counter({ name: "edgelens_broker_pruned_total", help: "stored events and snapshot files removed by the retention limits", labelNames: ["what"], registers }),
    publishersPaused: new Gauge({ name: "edgelens_broker_publishers_paused", help: "publishers not read right now: the unsent bytes for subscribers are above the high-water mark", registers }),
    subscriberBacklog: new Gauge({ name: "edgelens_broker_subscriber_backlog_bytes", help: "unsent bytes of the clients that are reading (stalled ones left out), as backpressure last measured", registers }),
    backpressurePauses: new Counter({ name: "edgelens_broker_backpressure_pauses_total", help: "publishers paused by backpressure", registers }),
    stop: () => clearInterval(timer),
  };
}
