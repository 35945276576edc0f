import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { readFileSync } from "node:fs";
import { DeviceStatusSchema, type DeviceStatus } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { EdgelensError } from "@edgelens/shared/errors";
import type { QoS } from "../spool/spool";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import { Backoff, type BackoffOptions } from "./backoff";
import { ForgetfulStore } from "./forgetful-store";
import type { LinkState, MessageHandler, PublishOptions, Publisher, Subscriber } from "./publisher";

export interface MqttLinkOptions {
  brokerUrl: string;
  deviceId: string;
  secret: string;
  agentVersion: string;
  keepaliveS: number;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  /** PEM file of a CA to trust for mqtts:// and wss:// (self-signed brokers). */
  caFile?: string;
  log: Logger;
}

interface Subscription {
  topic: string;
  qos: QoS;
  handler: MessageHandler;
}

/**
 * The device's MQTT connection: username = deviceId, password = secret, last will `offline`
 * (retained) on `status`, `online` (retained) after every connect, clean sessions, and
 * reconnects with exponential backoff for as long as the daemon runs.
 */
export class MqttLink implements Publisher, LinkState, Subscriber {
  private client: MqttClient | null = null;
  private sessionCount = 0;
  private readonly backoff: Backoff;
  private readonly subs = new Map<string, Subscription>();
  private readonly connectListeners = new Set<() => void>();
  private readonly disconnectListeners = new Set<() => void>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private wasConnected = false;
  private lastError = "";

  constructor(private readonly options: MqttLinkOptions) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.client?.connected === true && this.wasConnected;
  }

  get session(): number {
    return this.sessionCount;
  }

  start(): void {
    if (this.client) return;
    const o = this.options;
    const statusTopic = topics.status(o.deviceId);
    const clientOptions: IClientOptions = {
      clientId: o.deviceId,
      username: o.deviceId,
      password: o.secret,
      protocolVersion: 4,
      clean: true,
      keepalive: o.keepaliveS,
      connectTimeout: o.connectTimeoutMs,
      // Why 0: the link runs its own backoff (mqtt.js only knows a fixed period).
      reconnectPeriod: 0,
      outgoingStore: new ForgetfulStore(),
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify(this.status("offline"))), qos: 1, retain: true },
      ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
    };
    const client = mqtt.connect(o.brokerUrl, clientOptions);
    this.client = client;
    client.on("connect", () => this.handleConnect());
    client.on("close", () => this.handleClose());
    client.on("error", (err) => {
      const msg = describeError(err);
      // A broker that stays down repeats the same error on every attempt; say it once.
      // CONNACK 4/5 (MQTT 3.1.1 section 3.2.2.3): bad username/password or not authorized.
      const connack = (err as { code?: unknown }).code;
      const code = connack === 4 || connack === 5 ? "UNAUTHORIZED" : "INTERNAL";
      if (msg !== this.lastError) o.log.warn(`mqtt: ${msg}`, { code });
      this.lastError = msg;
    });
    client.on("message", (topic, payload) => {
      const sub = this.subs.get(topic);
      if (!sub) return;
      try {
        sub.handler(payload, topic);
      } catch (err) {
        o.log.error(`handler of ${topic} failed: ${describeError(err)}`, { code: "INTERNAL" });
      }
    });
  }

  subscribe(topic: string, qos: QoS, handler: MessageHandler): void {
    this.subs.set(topic, { topic, qos, handler });
    if (this.connected) this.subscribeNow([{ topic, qos, handler }]);
  }

  publish(topic: string, payload: Buffer | string, opts: PublishOptions): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) {
      return Promise.reject(new EdgelensError("INTERNAL", `not connected to the broker; ${topic} not sent`, { deviceId: this.options.deviceId }));
    }
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, { qos: opts.qos, retain: opts.retain }, (err) => (err ? reject(err) : resolve()));
    });
  }

  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** Says `offline` (retained) when connected, then closes; no reconnect afterwards. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (!client) return;
    if (this.connected) {
      const offline = JSON.stringify(this.status("offline"));
      await Promise.race([
        this.publish(topics.status(this.options.deviceId), offline, { qos: 1, retain: true }).catch((err: unknown) =>
          this.options.log.warn(`could not say offline before stopping: ${describeError(err)}`),
        ),
        new Promise((r) => setTimeout(r, timeoutMs)),
      ]);
    }
    // Forced: in-flight QoS 1 rows stay in the spool, nothing here is worth waiting for.
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    this.client = null;
  }

  private status(state: DeviceStatus["state"]): DeviceStatus {
    return DeviceStatusSchema.parse({ state, agentVersion: this.options.agentVersion, ts: Date.now() });
  }

  private handleConnect(): void {
    this.sessionCount += 1;
    this.wasConnected = true;
    this.lastError = "";
    this.backoff.reset();
    this.options.log.info(`connected to ${this.options.brokerUrl}`, { session: this.sessionCount });
    const online = JSON.stringify(this.status("online"));
    this.publish(topics.status(this.options.deviceId), online, { qos: 1, retain: true }).catch((err: unknown) =>
      this.options.log.warn(`could not say online: ${describeError(err)}`),
    );
    this.subscribeNow([...this.subs.values()]);
    for (const l of this.connectListeners) l();
  }

  private handleClose(): void {
    const was = this.wasConnected;
    this.wasConnected = false;
    if (was) {
      this.options.log.warn(`disconnected from ${this.options.brokerUrl}`, { session: this.sessionCount });
      for (const l of this.disconnectListeners) l();
    }
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.options.log.debug(`reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopping || !this.client) return;
      this.client.reconnect({ outgoingStore: new ForgetfulStore() });
    }, delay);
  }

  private subscribeNow(subs: Subscription[]): void {
    const client = this.client;
    if (!client || subs.length === 0) return;
    const request = Object.fromEntries(subs.map((s) => [s.topic, { qos: s.qos }]));
    client.subscribe(request, (err, granted) => {
      if (err) {
        this.options.log.error(`subscribe failed: ${describeError(err)}`, { code: "FORBIDDEN" });
        return;
      }
      for (const g of granted ?? []) {
        // 128: the broker's ACL refused the filter (MQTT 3.1.1 section 3.9.3).
        if (g.qos === 128) this.options.log.error(`broker refused subscription to ${g.topic}`, { code: "FORBIDDEN" });
      }
    });
  }
}
