import { z } from "zod";
import { EdgelensError, formatZodError, parseWebhookAllow, type WebhookAllowList } from "@edgelens/shared";

/**
 * The broker's configuration (docs/design.md "Configuration"), parsed from an environment-shaped
 * record. Shared keys (`EDGELENS_DATA_DIR`, ports, TLS, host, secret) are read by name; keys
 * with the `EDGELENS_BROKER_` prefix are the broker's own and the schema is strict over them,
 * so a misspelt limit fails the start instead of being ignored.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number, max: number) => z.coerce.number().int().positive().max(max).default(fallback);
/** 0 turns the limit off. */
const limitOrOff = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);

const SharedKeysSchema = z.object({
  EDGELENS_DATA_DIR: z.string().min(1).default("./data"),
  EDGELENS_HOST: z.string().min(1).default("127.0.0.1"),
  EDGELENS_MQTT_PORT: port(1883),
  EDGELENS_MQTT_TLS_PORT: port(8883),
  EDGELENS_TLS_CERT: z.string().min(1).optional(),
  EDGELENS_TLS_KEY: z.string().min(1).optional(),
  EDGELENS_WS_PORT: port(8083),
  EDGELENS_SECRET: z.string().min(16, "EDGELENS_SECRET must be at least 16 characters").optional(),
  /** Hosts and CIDRs webhooks may reach inside the refused ranges (shared with the console). */
  EDGELENS_WEBHOOK_ALLOW: z.string().optional(),
});

export const BrokerKeysSchema = z
  .object({
    /** Health (`/healthz`) and Prometheus metrics (`/metrics`). */
    EDGELENS_BROKER_HTTP_PORT: port(9883),
    /** Its own bind address: metrics stay on the server unless asked, whatever EDGELENS_HOST is. */
    EDGELENS_BROKER_HTTP_HOST: z.string().min(1).default("127.0.0.1"),
    EDGELENS_BROKER_MAX_PAYLOAD_BYTES: positiveInt(1024 * 1024, 256 * 1024 * 1024),
    /** aedes clamps to 100: its topic tries are built with 100 words at most. */
    EDGELENS_BROKER_MAX_TOPIC_LEVELS: positiveInt(16, 100),
    /** Inbound QoS 2 messages a client may leave awaiting PUBREL. */
    EDGELENS_BROKER_MAX_INFLIGHT: positiveInt(100, 65535),
    /** Bytes a client may leave unread before the broker drops it (a slow or frozen subscriber). */
    EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES: positiveInt(16 * 1024 * 1024, 1024 * 1024 * 1024),
    /** Failed logins per client IP per minute before that IP is refused without checking. */
    EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE: positiveInt(20, 100_000),
    /** How often the broker looks for changes the console made (devices, rules). */
    EDGELENS_BROKER_POLL_MS: positiveInt(1000, 60_000),
    /** At most one devices.telemetry write per device per this interval. */
    EDGELENS_BROKER_TELEMETRY_INTERVAL_MS: positiveInt(5000, 3_600_000),
    /** Stored events older than this many days are deleted, with snapshots only they used. */
    EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS: limitOrOff(30, 36_500),
    /** Only the newest this many stored events are kept (about 0.5 KB each with detections). */
    EDGELENS_BROKER_EVENTS_MAX_ROWS: limitOrOff(1_000_000, 1_000_000_000),
    EDGELENS_BROKER_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .strict();

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface BrokerLimits {
  maxPayloadBytes: number;
  maxTopicLevels: number;
  maxInflight: number;
  maxClientBacklogBytes: number;
  authFailuresPerMinute: number;
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
  /** Signs console tokens; when absent the broker uses (or creates) the data dir's secret. */
  secret?: string;
  limits: BrokerLimits;
  pollMs: number;
  telemetryIntervalMs: number;
  /** null: that limit is off. */
  eventRetention: { maxAgeMs: number | null; maxRows: number | null };
  logLevel: LogLevel;
  webhookAllow: WebhookAllowList;
}

const BROKER_PREFIX = "EDGELENS_BROKER_";
/** docs/design.md's shared key for how others reach the broker: not the broker's own setting. */
const SHARED_BROKER_KEYS = new Set(["EDGELENS_BROKER_URL"]);

/** Validates `source`; throws INVALID_CONFIG whose message names each bad field. */
export function parseBrokerConfig(source: Record<string, string | undefined>): BrokerConfig {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const shared = SharedKeysSchema.safeParse(present);
  const own = BrokerKeysSchema.safeParse(Object.fromEntries(Object.entries(present).filter(([k]) => k.startsWith(BROKER_PREFIX) && !SHARED_BROKER_KEYS.has(k))));
  const problems = [...(shared.success ? [] : [formatZodError(shared.error)]), ...(own.success ? [] : [formatZodError(own.error)])];
  if (!shared.success || !own.success) throw new EdgelensError("INVALID_CONFIG", `invalid broker configuration: ${problems.join("; ")}`);
  const s = shared.data;
  const b = own.data;
  if (Boolean(s.EDGELENS_TLS_CERT) !== Boolean(s.EDGELENS_TLS_KEY)) {
    const missing = s.EDGELENS_TLS_CERT ? "EDGELENS_TLS_KEY" : "EDGELENS_TLS_CERT";
    throw new EdgelensError("INVALID_CONFIG", `invalid broker configuration: ${missing}: required when the other of EDGELENS_TLS_CERT/EDGELENS_TLS_KEY is set`, { field: missing });
  }
  return {
    dataDir: s.EDGELENS_DATA_DIR,
    host: s.EDGELENS_HOST,
    mqttPort: s.EDGELENS_MQTT_PORT,
    wsPort: s.EDGELENS_WS_PORT,
    httpPort: b.EDGELENS_BROKER_HTTP_PORT,
    httpHost: b.EDGELENS_BROKER_HTTP_HOST,
    tls: s.EDGELENS_TLS_CERT && s.EDGELENS_TLS_KEY ? { port: s.EDGELENS_MQTT_TLS_PORT, certFile: s.EDGELENS_TLS_CERT, keyFile: s.EDGELENS_TLS_KEY } : null,
    ...(s.EDGELENS_SECRET ? { secret: s.EDGELENS_SECRET } : {}),
    limits: {
      maxPayloadBytes: b.EDGELENS_BROKER_MAX_PAYLOAD_BYTES,
      maxTopicLevels: b.EDGELENS_BROKER_MAX_TOPIC_LEVELS,
      maxInflight: b.EDGELENS_BROKER_MAX_INFLIGHT,
      maxClientBacklogBytes: b.EDGELENS_BROKER_MAX_CLIENT_BACKLOG_BYTES,
      authFailuresPerMinute: b.EDGELENS_BROKER_AUTH_FAILURES_PER_MINUTE,
    },
    pollMs: b.EDGELENS_BROKER_POLL_MS,
    telemetryIntervalMs: b.EDGELENS_BROKER_TELEMETRY_INTERVAL_MS,
    eventRetention: {
      maxAgeMs: b.EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS === 0 ? null : b.EDGELENS_BROKER_EVENTS_MAX_AGE_DAYS * 86_400_000,
      maxRows: b.EDGELENS_BROKER_EVENTS_MAX_ROWS === 0 ? null : b.EDGELENS_BROKER_EVENTS_MAX_ROWS,
    },
    logLevel: b.EDGELENS_BROKER_LOG_LEVEL,
    webhookAllow: parseWebhookAllow(s.EDGELENS_WEBHOOK_ALLOW),
  };
}
