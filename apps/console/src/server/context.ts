/**
 * The service context: config, database, secret, MQTT and in-memory registries. The Next
 * server keeps one per process (`getContext`); the CLI and tests build their own.
 */
import { dataPaths, loadOrCreateSecret, migrateDatabase, openDatabase, type DataPaths, type DatabaseHandle, type EdgelensDb } from "@edgelens/db";
import { filters, InferenceResultSchema } from "@edgelens/shared";
import { getConsoleConfig, isNextBuildPhase, type ConsoleConfig } from "../env";
import { InferCounter } from "./live/infer-counter";
import { createConsoleMqtt, type ConsolePublisher } from "./mqtt/console-client";
import { JobRegistry } from "./services/jobs";

export interface ServiceContext {
  config: ConsoleConfig;
  paths: DataPaths;
  db: EdgelensDb;
  handle: DatabaseHandle;
  secret: string;
  mqtt: ConsolePublisher;
  jobs: JobRegistry;
  live: InferCounter;
  /** deviceId -> {secretHash, secret digest, until}: artifact downloads verify without scrypt each time. */
  deviceAuthCache: Map<string, { secretHash: string; digest: string; until: number }>;
}

export interface ContextOptions {
  mqtt?: ConsolePublisher;
  /** How long a publish waits for the broker before failing (default 5 s). */
  mqttConnectTimeoutMs?: number;
}

export function createContext(config: ConsoleConfig, options: ContextOptions = {}): ServiceContext {
  const paths = dataPaths(config.dataDir);
  const handle = openDatabase(paths.dbFile);
  migrateDatabase(handle);
  const secret = loadOrCreateSecret(paths, config.secret);
  return {
    config,
    paths,
    db: handle.db,
    handle,
    secret,
    mqtt: options.mqtt ?? createConsoleMqtt({ url: config.brokerUrl, secret, connectTimeoutMs: options.mqttConnectTimeoutMs ?? 5000 }),
    jobs: new JobRegistry(),
    live: new InferCounter(),
    deviceAuthCache: new Map(),
  };
}

export async function closeContext(ctx: ServiceContext): Promise<void> {
  await ctx.mqtt.close();
  ctx.handle.close();
}

/**
 * Feeds the dashboard's per-minute counters. Results that fail validation are skipped here:
 * the broker's rules and the device's logs are where a malformed result gets reported.
 */
export async function startLiveCounting(ctx: ServiceContext): Promise<() => Promise<void>> {
  return ctx.mqtt.subscribe(filters.allOf("infer"), (_topic, payload, retained) => {
    if (retained) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    const parsed = InferenceResultSchema.safeParse(json);
    if (parsed.success) ctx.live.record(parsed.data);
  });
}

// Next may evaluate this module more than once (route bundles, dev reloads): keep the one
// context on globalThis so every route shares the database handle and the MQTT connection.
const KEY = Symbol.for("edgelens.console.context");
type Holder = { [KEY]?: Promise<ServiceContext> };

export async function getContext(): Promise<ServiceContext> {
  if (isNextBuildPhase()) {
    // `next build` tries to prerender pages: a page that needs the database is dynamic, and
    // the build must not create a database or the first admin in whatever data dir it sees.
    const { connection } = await import("next/server");
    await connection();
  }
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing) return existing;
  const starting = (async () => {
    const ctx = createContext(getConsoleConfig());
    const { ensureFirstAdmin } = await import("./services/first-admin");
    const first = await ensureFirstAdmin(ctx);
    if (first.kind === "created") console.log(`edgelens: created the first admin ${first.email} (password from EDGELENS_ADMIN_PASSWORD)`);
    else if (first.kind === "form") console.log(`edgelens: no user yet and EDGELENS_ADMIN_PASSWORD is unset: open ${ctx.config.consoleUrl}/login to create the admin`);
    keepLiveCounting(ctx);
    const { reconcileWhenBrokerAnswers } = await import("./services/desired-reconcile");
    reconcileWhenBrokerAnswers(ctx);
    return ctx;
  })();
  holder[KEY] = starting;
  // A failed start (the database locked, say) is not remembered: the next request tries again.
  starting.catch(() => {
    if (holder[KEY] === starting) delete holder[KEY];
  });
  return starting;
}

const LIVE_RETRY_MS = 10_000;

/** Live counters are best effort: while the broker is away the dashboard shows zeros, and the console keeps trying. */
function keepLiveCounting(ctx: ServiceContext, warned = false): void {
  startLiveCounting(ctx).catch((err: unknown) => {
    if (!warned) console.warn(`edgelens: live counters off until the broker answers: ${(err as Error).message}`);
    setTimeout(() => keepLiveCounting(ctx, true), LIVE_RETRY_MS).unref();
  });
}
