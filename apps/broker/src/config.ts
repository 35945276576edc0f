import { z } from "zod";
import { EdgelensError, createEnv, parseWebhookAllow, type WebhookAllowList } from "@edgelens/shared";
import type { ProxyProtocolMode } from "./transport/proxy-protocol";

/**
 * The broker's configuration (docs/design.md "Configuration"), parsed from an environment-shaped
 * record. Shared keys (`EDGELENS_DATA_DIR`, ports, TLS, host, secret) and their defaults come from
 * @edgelens/shared; keys with the `EDGELENS_BROKER_` prefix are the broker's own and are strict,
 * so a misspelt limit fails the start instead of being ignored.
 */
const positiveInt = (fallback: number, max: number) => z.coerce.number().int().positive().max(max).default(fallback);
/** 0 turns the limit off. */
const limitOrOff = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);

export const BrokerKeysSchema = z
  .object({
    /** Its own bind address: metrics stay on the server unless asked, whatever EDGELENS_HOST is. */
    EDGELENS_BROKER_HTTP_HOST: z.string().min(1).default("127.0.0.1"),
    EDGELENS_BROKER_MAX_PAYLOAD_BYTES: positiveInt(1024 * 1024, 256 * 1024 * 1024),
    /** aedes clamps to 100: its topic tries are built with 100 words at most. */
    EDGELENS_BROKER_MAX_TOPIC_LEVELS: positiveInt(16, 100),
    /** Inbound QoS 2 messages a client may leave awaiting PUBREL. */
    EDGELENS_BROKER_MAX_INFLIGHT: positiveInt(100, 65535),
    /** Bytes a client may leave unread before the broker drops it (a slow or frozen subscriber). */
    EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES: positiveInt(16 * 1024 * 1024, 1024 * 1024 * 1024),
    /** Failed logins per (username, client IP) per minute before that pair is refused without checking. */
    EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE: positiveInt(20, 100_000),
    /**
     * Comma-separated addresses of reverse proxies in front of the WebSocket listener: from
     * them, the client address is taken from X-Forwarded-For. The default trusts loopback,
     * where docs/production.md puts the proxy.
     */
    EDGELENS_BROKER_TRUSTED_PROXIES: z.string().default("127.0.0.1,::1,::ffff:127.0.0.1"),
    /**
     * PROXY protocol (v1/v2) on the MQTT TCP and TLS listeners: `optional` takes the client
     * address from a trusted proxy's header, `required` also refuses every other connection.
     */
    EDGELENS_BROKER_PROXY_PROTOCOL: z.enum(["off", "optional", "required"]).default("off"),
    /** Bytes (topic + payload) queued for one offline persistent session before new messages for it are dropped. */
    EDGELENS_BROKER_MAX_SESSION_QUEUE_BYTES: positiveInt(16 * 1024 * 1024, 1024 * 1024 * 1024),
    /**
     * Unsent bytes summed over all reading clients above which the heaviest publishers stop being
     * read (limits/publisher-backpressure.ts); 0 turns backpressure off. Resumed under the low mark.
     */
    EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES: limitOrOff(1024 * 1024, 1024 * 1024 * 1024),
    EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES: positiveInt(256 * 1024, 1024 * 1024 * 1024),
    /** Subscriptions one client may hold; a filter past it gets SUBACK 0x80. */
    EDGELENS_BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT: positiveInt(1000, 1_000_000),
    /** How often the broker looks for changes the console made (devices, rules). */
    EDGELENS_BROKER_POLL_MS: positiveInt(1000, 60_000),
    /** At most one devices.telemetry write per device per this interval. */
    EDGELENS_BROKER_TELEMETRY_INTERVAL_MS: positiveInt(5000, 3_600_000),
    /** Stored events older than this many days are deleted, with snapshots only they used. */
    EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS: limitOrOff(30, 36_500),
    /** Only the newest this many stored events are kept (about 0.5 KB each with detections). */
    EDGELENS_BROKER_EVENTS_MAX_ROWS: limitOrOff(1_000_000, 1_000_000_000),
    EDGELENS_BROKER_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** 1: a QoS 1 PUBACK waits until the message's store events are committed (README "Delivery and restarts"); 0 for benches. */
    EDGELENS_BROKER_DURABLE_ACK: z.enum(["0", "1"]).default("1"),
    /** redis://host:port: broker nodes share routing, retained messages and sessions there (README "Cluster"). */
    EDGELENS_BROKER_CLUSTER: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, "a redis:// or rediss:// URL")
      .optional(),
    /** Cluster nodes beat this often; one silent for three beats is dead: its devices go offline, its clients' wills fire (README "Cluster"). */
    EDGELENS_BROKER_CLUSTER_HEARTBEAT_MS: positiveInt(5000, 600_000),
  });

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface BrokerLimits {
  maxPayloadBytes: number;
  maxTopicLevels: number;
  maxInflight: number;
  maxClientBacklogBytes: number;
  authFailuresPerMinute: number;
  /** WebSocket peers whose X-Forwarded-For names the client, and TCP peers whose PROXY header does. */
  trustedProxies: ReadonlySet<string>;
  maxSubscriptionsPerClient: number;
  maxSessionQueueBytes: number;
  /** Publishers are paused above high (0: never) and resumed under low (limits/publisher-backpressure.ts). */
  backpressure: { highWaterBytes: number; lowWaterBytes: number };
}

export interface BrokerConfig {
  dataDir: string;
  host: string;
  /** 0 asks for an ephemeral port; RunningBroker reports the one bound. */
  mqttPort: number;
  wsPort: number;
  httpPort: number;
  httpHost: string;
  /** TLS listener, only when both a certificate and a key file are configured. */
  tls: { port: number; certFile: string; keyFile: string } | null;
  /** PROXY protocol on the TCP/TLS listeners, from `limits.trustedProxies` only. */
  proxyProtocol: ProxyProtocolMode;
  /** Signs console tokens; when absent the broker uses (or creates) the data dir's secret. */
  secret?: string;
  limits: BrokerLimits;
  pollMs: number;
  telemetryIntervalMs: number;
  /** null: that limit is off. */
  eventRetention: { maxAgeMs: number | null; maxRows: number | null };
  logLevel: LogLevel;
  webhookAllow: WebhookAllowList;
  /** PUBACK only once what the message must cause is durable (src/delivery/durable-ack.ts). */
  durableAck: boolean;
  /** Redis URL of the cluster; null: a single broker with its own LevelDB. */
  cluster: string | null;
  /** How often a cluster node says it lives (and sweeps the dead ones' devices). */
  clusterHeartbeatMs: number;
}

/** The broker's keys; EDGELENS_BROKER_URL (how others reach it) and _HTTP_PORT are shared keys. */
const readBrokerEnv = createEnv({
  part: "broker",
  shared: ["EDGELENS_DATA_DIR", "EDGELENS_HOST", "EDGELENS_MQTT_PORT", "EDGELENS_MQTT_TLS_PORT", "EDGELENS_TLS_CERT", "EDGELENS_TLS_KEY", "EDGELENS_WS_PORT", "EDGELENS_BROKER_HTTP_PORT", "EDGELENS_SECRET", "EDGELENS_WEBHOOK_ALLOW"],
  own: BrokerKeysSchema.shape,
  ownPattern: /^EDGELENS_BROKER_/,
});

/**
 * Validates `source`; throws INVALID_CONFIG whose message names each bad field. `dataDir` is as
 * given: env.ts resolves it against the workspace root (resolveDataDir of @edgelens/db).
 */
export function parseBrokerConfig(source: Record<string, string | undefined>): BrokerConfig {
  const e = readBrokerEnv(source);
  if (Boolean(e.EDGELENS_TLS_CERT) !== Boolean(e.EDGELENS_TLS_KEY)) {
    const missing = e.EDGELENS_TLS_CERT ? "EDGELENS_TLS_KEY" : "EDGELENS_TLS_CERT";
    throw new EdgelensError("INVALID_CONFIG", `invalid broker configuration: ${missing}: required when the other of EDGELENS_TLS_CERT/EDGELENS_TLS_KEY is set`, { field: missing });
  }
  if (e.EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES > 0 && e.EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES >= e.EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES) {
    const field = "EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES";
    throw new EdgelensError("INVALID_CONFIG", `invalid broker configuration: ${field}: must be below EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES`, { field });
  }
  return {
    dataDir: e.EDGELENS_DATA_DIR,
    host: e.EDGELENS_HOST,
    mqttPort: e.EDGELENS_MQTT_PORT,
    wsPort: e.EDGELENS_WS_PORT,
    httpPort: e.EDGELENS_BROKER_HTTP_PORT,
    httpHost: e.EDGELENS_BROKER_HTTP_HOST,
    tls: e.EDGELENS_TLS_CERT && e.EDGELENS_TLS_KEY ? { port: e.EDGELENS_MQTT_TLS_PORT, certFile: e.EDGELENS_TLS_CERT, keyFile: e.EDGELENS_TLS_KEY } : null,
    ...(e.EDGELENS_SECRET ? { secret: e.EDGELENS_SECRET } : {}),
    limits: {
      maxPayloadBytes: e.EDGELENS_BROKER_MAX_PAYLOAD_BYTES,
      maxTopicLevels: e.EDGELENS_BROKER_MAX_TOPIC_LEVELS,
      maxInflight: e.EDGELENS_BROKER_MAX_INFLIGHT,
      maxClientBacklogBytes: e.EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES,
      authFailuresPerMinute: e.EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE,
      maxSubscriptionsPerClient: e.EDGELENS_BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT,
      maxSessionQueueBytes: e.EDGELENS_BROKER_MAX_SESSION_QUEUE_BYTES,
      backpressure: { highWaterBytes: e.EDGELENS_BROKER_BACKPRESSURE_HIGH_BYTES, lowWaterBytes: e.EDGELENS_BROKER_BACKPRESSURE_LOW_BYTES },
      trustedProxies: new Set(e.EDGELENS_BROKER_TRUSTED_PROXIES.split(",").map((a) => a.trim()).filter(Boolean)),
    },
    pollMs: e.EDGELENS_BROKER_POLL_MS,
    telemetryIntervalMs: e.EDGELENS_BROKER_TELEMETRY_INTERVAL_MS,
    eventRetention: {
      maxAgeMs: e.EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS === 0 ? null : e.EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS * 86_400_000,
      maxRows: e.EDGELENS_BROKER_EVENTS_MAX_ROWS === 0 ? null : e.EDGELENS_BROKER_EVENTS_MAX_ROWS,
    },
    logLevel: e.EDGELENS_BROKER_LOG_LEVEL,
    proxyProtocol: e.EDGELENS_BROKER_PROXY_PROTOCOL,
    durableAck: e.EDGELENS_BROKER_DURABLE_ACK === "1",
    cluster: e.EDGELENS_BROKER_CLUSTER ?? null,
    clusterHeartbeatMs: e.EDGELENS_BROKER_CLUSTER_HEARTBEAT_MS,
    webhookAllow: parseWebhookAllow(e.EDGELENS_WEBHOOK_ALLOW),
  };
}
