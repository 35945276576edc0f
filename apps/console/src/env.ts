/**
 * The console's configuration: the only reader of process.env in this app (docs/design.md
 * "Configuration"). Validated once; a bad value throws INVALID_CONFIG naming the variable.
 */
import { z } from "zod";
import { resolveDataDir } from "@edgelens/db/data-dir";
import { EdgelensError } from "@edgelens/shared/errors";
import { createEnv } from "@edgelens/shared/env";
import { parseWebhookAllow, type WebhookAllowList } from "@edgelens/shared";
import { PasswordSchema } from "./server/auth/password-policy";

/**
 * Any EDGELENS_* name that is neither a shared key, the console's own, nor one of these keys of
 * the other parts (which a shared environment such as the launcher's or CI's carries) is refused:
 * a typo must not silently fall back to a default.
 */
const CONSOLE_KEYS = /^EDGELENS_(?!(DEMO|BROKER_.*|AGENT_.*|REDIS.*|PG.*|POSTGRES.*|DATABASE_URL|BENCH.*|TEST.*|LOG.*|CONFIG)$)/;

const readConsoleEnv = createEnv({
  part: "console",
  shared: ["EDGELENS_DATA_DIR", "EDGELENS_HOST", "EDGELENS_CONSOLE_PORT", "EDGELENS_CONSOLE_URL", "EDGELENS_MQTT_PORT", "EDGELENS_BROKER_URL", "EDGELENS_WS_PORT", "EDGELENS_SECRET", "EDGELENS_ADMIN_EMAIL", "EDGELENS_ADMIN_PASSWORD", "EDGELENS_WEBHOOK_ALLOW"],
  own: {
    EDGELENS_WS_URL: z
      .string()
      .regex(/^wss?:\/\//, "must start with ws:// or wss://")
      .optional(),
    EDGELENS_MAX_UPLOAD_MB: z.coerce.number().int().positive().max(65_536).default(1024),
    /** Clips around events kept per device: count, total MiB (also the most one clip may be) and age. */
    EDGELENS_CLIPS_MAX_PER_DEVICE: z.coerce.number().int().min(1).max(100_000).default(100),
    EDGELENS_CLIPS_MAX_MB_PER_DEVICE: z.coerce.number().int().min(1).max(1_048_576).default(1024),
    EDGELENS_CLIPS_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    EDGELENS_MQTT_TOKEN_TTL: z.coerce.number().int().min(30).max(7 * 24 * 3600).default(3600),
    EDGELENS_COOKIE_SECURE: z.enum(["0", "1", "auto"]).default("auto"),
    /** Next's build folder (default .next); tests give each server its own. */
    EDGELENS_NEXT_DIST_DIR: z.string().regex(/^[A-Za-z0-9._/-]+$/, "must be a relative folder name").optional(),
    /**
     * 1: `next build` skips its own TypeScript pass. The test runs' build sets it: `pnpm test`
     * type-checks the console (tsc -b) alongside, and Next's second pass cost ~30 s of CPU.
     */
    EDGELENS_NEXT_SKIP_TYPECHECK: z.enum(["0", "1"]).default("0"),
  },
  ownPattern: CONSOLE_KEYS,
});

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
  /** Bounds of the clips kept per device (docs/design.md "Clips"). */
  clips: { maxPerDevice: number; maxBytesPerDevice: number; maxAgeMs: number };
  mqttTokenTtlSec: number;
  cookieSecure: boolean;
  webhookAllow: WebhookAllowList;
  nextDistDir: string | undefined;
  nextSkipTypecheck: boolean;
}

function reachableHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}

export function loadConsoleConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ConsoleConfig {
  const e = readConsoleEnv(env);
  // The password rule is the console's (its common-password list is server code), so it is
  // checked here rather than in the shared schema.
  const password = e.EDGELENS_ADMIN_PASSWORD === undefined ? undefined : PasswordSchema.safeParse(e.EDGELENS_ADMIN_PASSWORD);
  if (password && !password.success) {
    throw new EdgelensError("INVALID_CONFIG", `invalid console configuration: EDGELENS_ADMIN_PASSWORD: ${password.error.issues[0]?.message ?? "refused"}`, { field: "EDGELENS_ADMIN_PASSWORD" });
  }
  const host = reachableHost(e.EDGELENS_HOST);
  const consoleUrl = (e.EDGELENS_CONSOLE_URL ?? `http://${host}:${e.EDGELENS_CONSOLE_PORT}`).replace(/\/+$/, "");
  return {
    dataDir: resolveDataDir(e.EDGELENS_DATA_DIR, cwd),
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
    clips: {
      maxPerDevice: e.EDGELENS_CLIPS_MAX_PER_DEVICE,
      maxBytesPerDevice: e.EDGELENS_CLIPS_MAX_MB_PER_DEVICE * 1024 * 1024,
      maxAgeMs: e.EDGELENS_CLIPS_MAX_AGE_DAYS * 86_400_000,
    },
    mqttTokenTtlSec: e.EDGELENS_MQTT_TOKEN_TTL,
    cookieSecure: e.EDGELENS_COOKIE_SECURE === "auto" ? consoleUrl.startsWith("https:") : e.EDGELENS_COOKIE_SECURE === "1",
    webhookAllow: parseWebhookAllow(e.EDGELENS_WEBHOOK_ALLOW),
    nextDistDir: e.EDGELENS_NEXT_DIST_DIR,
    nextSkipTypecheck: e.EDGELENS_NEXT_SKIP_TYPECHECK === "1",
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
