/**
 * The console's configuration: the only reader of process.env in this app (docs/design.md
 * "Configuration"). Validated once; a bad value throws INVALID_CONFIG naming the variable.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { EdgelensError } from "@edgelens/shared/errors";
import { parseWebhookAllow, type WebhookAllowList } from "@edgelens/shared";
import { PasswordSchema } from "./server/auth/password-policy";

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().min(1).optional();

const ConsoleEnvSchema = z
  .object({
    EDGELENS_DATA_DIR: optionalText,
    EDGELENS_HOST: z.string().min(1).default("127.0.0.1"),
    EDGELENS_CONSOLE_PORT: port.default(3000),
    EDGELENS_CONSOLE_URL: z.url().optional(),
    EDGELENS_MQTT_PORT: port.default(1883),
    EDGELENS_BROKER_URL: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^/]+/, "must be mqtt://host:port, mqtts://, ws:// or wss://")
      .optional(),
    EDGELENS_WS_PORT: port.default(8083),
    EDGELENS_WS_URL: z
      .string()
      .regex(/^wss?:\/\//, "must start with ws:// or wss://")
      .optional(),
    EDGELENS_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    EDGELENS_ADMIN_EMAIL: z.email().default("admin@edgelens.local"),
    EDGELENS_ADMIN_PASSWORD: PasswordSchema.optional(),
    EDGELENS_MAX_UPLOAD_MB: z.coerce.number().int().positive().max(65_536).default(1024),
    EDGELENS_MQTT_TOKEN_TTL: z.coerce.number().int().min(30).max(7 * 24 * 3600).default(3600),
    /** Hosts/CIDRs webhooks may reach inside the refused ranges (shared with the broker). */
    EDGELENS_WEBHOOK_ALLOW: z.string().optional(),
    EDGELENS_COOKIE_SECURE: z.enum(["0", "1", "auto"]).default("auto"),
    /** Next's build folder (default .next); tests give each server its own. */
    EDGELENS_NEXT_DIST_DIR: z.string().regex(/^[A-Za-z0-9._/-]+$/, "must be a relative folder name").optional(),
  })
  .strict();

/**
 * Variables of the other parts that a shared environment (the stack launcher, CI) may carry.
 * Any other EDGELENS_* name is refused: a typo must not silently fall back to a default.
 */
const FOREIGN_KEYS = /^EDGELENS_(MQTT_TLS_PORT|TLS_CERT|TLS_KEY|DEMO|MEDIA_DIR|BROKER_(?!URL$).*|AGENT_.*|REDIS.*|PG.*|POSTGRES.*|DATABASE_URL|BENCH.*|TEST.*|LOG.*|CONFIG)$/;

export interface ConsoleConfig {
  dataDir: string;
  host: string;
  port: number;
  consoleUrl: string;
  brokerUrl: string;
  wsPort: number;
  /** Public MQTT-over-WebSocket URL for browsers; null: derived from the request's host. */
  wsUrl: string | null;
  secret: string | undefined;
  adminEmail: string;
  adminPassword: string | undefined;
  maxUploadBytes: number;
  mqttTokenTtlSec: number;
  cookieSecure: boolean;
  webhookAllow: WebhookAllowList;
  nextDistDir: string | undefined;
}

/** `./data` of the workspace (where `pnpm -s broker` keeps its data too), whatever the cwd. */
function defaultDataDir(cwd: string): string {
  let dir = cwd;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return join(dir, "data");
    const parent = dirname(dir);
    if (parent === dir) return join(cwd, "data");
    dir = parent;
  }
}

function reachableHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}

export function loadConsoleConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ConsoleConfig {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("EDGELENS_") || value === undefined || value === "" || FOREIGN_KEYS.test(key)) continue;
    own[key] = value;
  }
  const parsed = ConsoleEnvSchema.safeParse(own);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : String(issue?.path[0] ?? "(env)");
    const why = issue?.code === "unrecognized_keys" ? "unknown variable (typo?)" : (issue?.message ?? "invalid");
    throw new EdgelensError("INVALID_CONFIG", `bad configuration: ${field}: ${why}`, { field });
  }
  const e = parsed.data;
  const host = reachableHost(e.EDGELENS_HOST);
  const consoleUrl = (e.EDGELENS_CONSOLE_URL ?? `http://${host}:${e.EDGELENS_CONSOLE_PORT}`).replace(/\/+$/, "");
  return {
    dataDir: e.EDGELENS_DATA_DIR ? resolve(cwd, e.EDGELENS_DATA_DIR) : defaultDataDir(cwd),
    host: e.EDGELENS_HOST,
    port: e.EDGELENS_CONSOLE_PORT,
    consoleUrl,
    brokerUrl: e.EDGELENS_BROKER_URL ?? `mqtt://${host}:${e.EDGELENS_MQTT_PORT}`,
    wsPort: e.EDGELENS_WS_PORT,
    wsUrl: e.EDGELENS_WS_URL ?? null,
    secret: e.EDGELENS_SECRET,
    adminEmail: e.EDGELENS_ADMIN_EMAIL,
    adminPassword: e.EDGELENS_ADMIN_PASSWORD,
    maxUploadBytes: e.EDGELENS_MAX_UPLOAD_MB * 1024 * 1024,
    mqttTokenTtlSec: e.EDGELENS_MQTT_TOKEN_TTL,
    cookieSecure: e.EDGELENS_COOKIE_SECURE === "auto" ? consoleUrl.startsWith("https:") : e.EDGELENS_COOKIE_SECURE === "1",
    webhookAllow: parseWebhookAllow(e.EDGELENS_WEBHOOK_ALLOW),
    nextDistDir: e.EDGELENS_NEXT_DIST_DIR,
  };
}

let cached: ConsoleConfig | undefined;

/** The process's configuration, read once. */
export function getConsoleConfig(): ConsoleConfig {
  cached ??= loadConsoleConfig();
  return cached;
}

/** `next build` loads the server code too: start-up work (database, first admin) waits for a real start. */
export function isNextBuildPhase(env: Record<string, string | undefined> = process.env): boolean {
  return env.NEXT_PHASE === "phase-production-build";
}
