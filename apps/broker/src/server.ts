import { Aedes, type Client } from "aedes";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { dataPaths, loadOrCreateSecret, openDatabase, type DatabaseHandle } from "@edgelens/db";
import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import { connectedClients, internals } from "./aedes-internals";
import { EventRetention } from "./db/event-retention";
import { guardClientBacklog } from "./limits/client-backlog-guard";
import { disableCounterDedupe } from "./delivery/duplicate-filter";
import { createBrokerPublish, type BrokerPublish } from "./broker-publish";
import { startClusterPresence } from "./cluster-presence-start";
import { watchClusterTakeovers } from "./cluster-takeover";
import { buildServices, type ServiceOptions } from "./build-services";
import type { BrokerConfig } from "./config";
import { DataVersionWatcher } from "./db/data-version-watcher";
import { RevocationCheck } from "./deregistration";
import { createAuthenticate } from "./hooks/authenticate";
import { createAuthorizeForward } from "./hooks/authorize-forward";
import { createAuthorizePublish } from "./hooks/authorize-publish";
import { createAuthorizeSubscribe } from "./hooks/authorize-subscribe";
import { onClientDisconnect } from "./hooks/client-disconnect";
import { onClientReady } from "./hooks/client-ready";
import { createPublished } from "./hooks/published";
import { startHttpApi } from "./http-api";
import { guardPacketSize } from "./limits/packet-size-guard";
import { PublisherBackpressure } from "./limits/publisher-backpressure";
import { limitSessionQueues } from "./limits/session-queue-limit";
import { createLogger, describeError, type Logger } from "./log";
import { createBrokerMetrics } from "./metrics";
import { openPersistence } from "./persistence";
import type { BrokerServices } from "./services";
import { openListeners } from "./transport/listeners";
import { batchWrites } from "./transport/write-batching";

/** Publishes already read finish in milliseconds; the bound is for one that never reports back. */
const SHUTDOWN_INFLIGHT_WAIT_MS = 3000;
/** How often the event retention limits are applied (and once at start). */
const RETENTION_INTERVAL_MS = 10 * 60_000;

export interface RunningBroker {
  mqttPort: number;
  wsPort: number;
  tlsPort?: number;
  httpPort: number;
  /** Announces devices offline, closes clients, flushes counters/events/persistence. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions extends ServiceOptions {
  log?: Logger;
  /** How long a client may drain nothing while publishers are held before it stops holding them (tests lengthen it). */
  backpressureStallMs?: number;
}

function assertMigrated(handle: DatabaseHandle): void {
  const found = handle.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'devices'").get();
  if (!found) throw new EdgelensError("INVALID_CONFIG", `database ${handle.path} has no schema: run migrateDatabase first (main.ts does)`, { path: handle.path });
}

/** Starts the broker of docs/design.md on an already migrated database in `config.dataDir`. */
export async function startBroker(config: BrokerConfig, options: StartOptions = {}): Promise<RunningBroker> {
  const log = options.log ?? createLogger(config.logLevel);
  const paths = dataPaths(config.dataDir);
  const secret = loadOrCreateSecret(paths, config.secret);
  const handle = openDatabase(paths.dbFile);
  const cleanups: (() => Promise<void> | void)[] = [() => handle.close()];
  const unwind = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    assertMigrated(handle);
    const persistence = await openPersistence(paths.brokerDir, config.cluster, (err) =>
      log.warn(`cluster Redis: ${err.message}`, { code: "INTERNAL" }),
    );
    cleanups.push(() => persistence.close());
    const metrics = createBrokerMetrics();
    cleanups.push(() => metrics.stop());
    let publishNow: BrokerPublish = () => Promise.reject(new Error("broker not started"));
    const built = buildServices(config, handle, secret, log, metrics, (...a) => publishNow(...a), persistence.snapshotRequests, options);
    const s = built.services;
    limitSessionQueues(persistence.persistence, config.limits.maxSessionQueueBytes, (clientId, queuedBytes) => {
      metrics.limitHits.inc({ limit: "session-queue" });
      s.rateLimitedLog(`session-queue:${clientId}`, "warn", "message dropped for an offline session: its queue is full", { code: "TOO_LARGE", clientId, queuedBytes });
    });
    cleanups.push(() => built.events.close(), () => built.counters.close(), () => s.telemetry.close(), () => built.snapshots.close());
    const backpressure = new PublisherBackpressure({ ...config.limits.backpressure, ...(options.backpressureStallMs !== undefined ? { stallMs: options.backpressureStallMs } : {}) }, {
      measured: (backlogBytes) => metrics.subscriberBacklog.set(backlogBytes),
      paused: (count, backlogBytes) => {
        metrics.backpressurePauses.inc(count);
        metrics.publishersPaused.set(backpressure.paused);
        s.rateLimitedLog("backpressure", "warn", "publishers paused: subscribers are behind", { code: "TOO_LARGE", paused: backpressure.paused, backlogBytes });
      },
      resumed: () => metrics.publishersPaused.set(0),
    });
    cleanups.push(() => backpressure.close());
    // Set once aedes exists; the takeover watch must be on the router before aedes' own listener.
    const current: { node?: Aedes } = {};
    // Registered before aedes' close, so it runs after it: the devices' disconnects have released them.
    cleanups.push(() => s.clusterPresence?.stop().catch((err: unknown) => log.warn(`cluster presence: ${describeError(err)}`, { code: "INTERNAL" })));
    if (persistence.mq) watchClusterTakeovers(persistence.mq, () => current.node, s.movedAway);
    const aedes = await Aedes.createBroker({
      persistence: persistence.persistence,
      ...(persistence.mq ? { mq: persistence.mq } : {}),
      maxTopicLevels: config.limits.maxTopicLevels,
      maxInflightInbound: config.limits.maxInflight,
      // mqemitter slots: a QoS 1 delivery holds one across two event-loop turns (aedes defers
      // both the delivery and its write callback), so the default 100 capped throughput under
      // load in bench/broker-vs-mosquitto.ts while the CPU sat idle.
      concurrency: 1000,
      // aedes fires the wills of a node silent for three beats; its default minute is minutes of stale presence.
      ...(persistence.redis ? { heartbeatInterval: config.clusterHeartbeatMs } : {}),
      authenticate: createAuthenticate(s),
      authorizePublish: createAuthorizePublish(s),
      authorizeSubscribe: createAuthorizeSubscribe(s),
      authorizeForward: createAuthorizeForward(s, backpressure),
      published: createPublished(s, backpressure),
    });
    current.node = aedes;
    aedes.on("ack", (_packet, client) => backpressure.acked(client));
    backpressure.start();
    cleanups.push(() => new Promise<void>((resolve) => aedes.close(() => resolve())));
    s.brokerId = aedes.id;
    publishNow = createBrokerPublish(aedes);
    wireEvents(aedes, s);
    const reset = persistence.redis ? await startClusterPresence(s, persistence.redis, aedes.id, config.clusterHeartbeatMs) : s.presence.resetAll();
    if (reset > 0) log.info("marked devices offline that a previous run left online", { devices: reset });
    s.rules.reload();
    await built.snapshots.restore();
    const revocation = new RevocationCheck(s);
    const watcher = new DataVersionWatcher(handle, config.pollMs, (err) => log.error(`database poll failed: ${describeError(err)}`, { code: "INTERNAL" }));
    watcher.onChange(() => revocation.run());
    watcher.onChange(() => s.rules.reload());
    watcher.onChange(() => s.userConnections.revoke());
    cleanups.push(() => watcher.close());
    // Tokens are checked at CONNECT; an expired one must not keep its live session.
    const expiry = setInterval(() => s.userConnections.expire(), config.pollMs);
    expiry.unref();
    cleanups.push(() => clearInterval(expiry));
    const retention = new EventRetention(handle.db, paths, config.eventRetention, log, (pruned) => {
      metrics.pruned.inc({ what: "events" }, pruned.events);
      metrics.pruned.inc({ what: "snapshots" }, pruned.snapshots);
    });
    retention.start(RETENTION_INTERVAL_MS);
    cleanups.push(() => retention.close());

    const handleConnection = (stream: Duplex, req?: IncomingMessage) => {
      batchWrites(stream);
      const client = aedes.handle(stream, req);
      s.acks?.watch(client);
      disableCounterDedupe(client);
      if (!guardPacketSize(client, config.limits.maxPayloadBytes)) s.rateLimitedLog("packet-guard", "warn", "packet size guard unavailable: aedes internals changed", { code: "INTERNAL" });
      const guarded = guardClientBacklog(client, config.limits.maxClientBacklogBytes, (backlog) => {
        s.metrics.clientsDropped.inc({ reason: "slow-consumer" });
        s.rateLimitedLog(`slow-consumer:${client.id}`, "warn", "client dropped: it stopped reading", { code: "TOO_LARGE", clientId: client.id, backlogBytes: backlog });
      });
      if (!guarded) s.rateLimitedLog("backlog-guard", "warn", "client backlog guard unavailable: aedes internals changed", { code: "INTERNAL" });
      if (!backpressure.attach(client)) s.rateLimitedLog("backpressure-gate", "warn", "publisher backpressure unavailable: aedes internals changed", { code: "INTERNAL" });
    };
    // A WebSocket frame carries at most one MQTT packet here (mqtt.js), so it gets the same bound.
    const listeners = await openListeners(config, handleConnection, config.limits.maxPayloadBytes + 64 * 1024, (reason, peer) => {
      s.rateLimitedLog(`proxy-protocol:${peer}`, "warn", `connection refused: ${reason}`, { code: "FORBIDDEN", peer });
    });
    cleanups.push(() => listeners.close());
    const startedAt = Date.now();
    const http = await startHttpApi(config.httpHost, config.httpPort, metrics, {
      closing: () => s.closing,
      connections: () => aedes.connectedClients,
      rules: () => s.rules.size,
      startedAt,
    });
    cleanups.push(() => http.close());
    log.info("broker listening", { mqtt: listeners.mqttPort, ws: listeners.wsPort, tls: listeners.tlsPort, http: http.port, dataDir: config.dataDir });

    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= (async () => {
        s.closing = true;
        watcher.close();
        listeners.stopAccepting();
        await finishInflightPublishes(s, aedes);
        await announceShutdown(s, aedes, persistence.persistence);
        cleanups.pop(); // http closes last so /healthz can say "closing" meanwhile
        cleanups.pop(); // listeners: closed below once aedes let go of its clients
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await listeners.close();
        await s.rules.drain(2000);
        await http.close();
        await unwind();
        log.info("broker stopped");
      })());
    return { mqttPort: listeners.mqttPort, wsPort: listeners.wsPort, ...(listeners.tlsPort !== null ? { tlsPort: listeners.tlsPort } : {}), httpPort: http.port, close };
  } catch (err) {
    await unwind();
    throw err;
  }
}

function wireEvents(aedes: Aedes, s: BrokerServices): void {
  aedes.on("clientReady", (client) => onClientReady(s, client));
  aedes.on("clientDisconnect", (client) => onClientDisconnect(s, client));
  aedes.on("clientError", (client, err) => {
    // Protocol errors, oversized packets, keep-alive timeouts: that client goes, nothing else.
    s.rateLimitedLog(`client-error:${client.id}`, "warn", `client dropped: ${err.message}`, { ...(isEdgelensError(err) ? { code: err.code } : {}), clientId: client.id });
  });
  aedes.on("connectionError", (_client, err) => {
    s.rateLimitedLog("connection-error", "debug", `connection dropped before CONNECT completed: ${err.message}`);
  });
  // aedes re-emits persistence failures here; an unhandled 'error' event would kill the process.
  aedes.on("error" as "closed", ((err: Error) => s.log.error(`broker error: ${err.message}`, { code: "INTERNAL" })) as () => void);
}

/**
 * Stops reading from every client, then lets the publishes already read (and maybe already
 * acknowledged) reach the rules before aedes closes. Unread packets stay unacknowledged, so
 * their senders send them again after reconnecting.
 */
async function finishInflightPublishes(s: BrokerServices, aedes: Aedes): Promise<void> {
  for (const client of connectedClients(aedes)) internals(client).pause?.();
  if (!(await s.inflight.idle(SHUTDOWN_INFLIGHT_WAIT_MS))) {
    s.log.warn("stopping with publishes still in flight", { code: "INTERNAL", inflight: s.inflight.size });
  }
}

/**
 * At shutdown the broker says `offline` for every connected device itself and waits until it
 * is stored, then removes their wills so a restarted broker does not replay them later.
 */
async function announceShutdown(s: BrokerServices, aedes: Aedes, persistence: unknown): Promise<void> {
  const delWill = (persistence as { delWill(client: { id: string; brokerId: string }): Promise<unknown> }).delWill.bind(persistence);
  const work: Promise<unknown>[] = [];
  for (const [deviceId, clients] of [...s.connections.entries()]) {
    work.push(s.status.announce(deviceId, "offline"));
    for (const client of clients.keys()) {
      const c = internals(client as Client);
      if (!c.will) continue;
      c.will = null;
      work.push(delWill({ id: client.id, brokerId: aedes.id }).catch(() => undefined));
    }
  }
  await Promise.all(work);
}
