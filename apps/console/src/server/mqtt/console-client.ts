/**
 * The console's own MQTT connection: one long-lived admin client (username `user:console`)
 * that publishes desired states, stream requests and commands, and feeds the live counters.
 */
import mqtt, { type MqttClient } from "mqtt";
import { randomBytes } from "node:crypto";
import { EdgelensError, USER_USERNAME_PREFIX, signConsoleToken, topicMatches } from "@edgelens/shared";

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

/** The seam services publish through; tests and the CLI use the same implementation. */
export interface ConsolePublisher {
  readonly url: string;
  publish(topic: string, payload: string | Buffer, options?: PublishOptions): Promise<void>;
  /** Resolves once the broker granted the subscription; the returned function unsubscribes. */
  subscribe(filter: string, onMessage: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ConsoleMqttOptions {
  url: string;
  secret: string;
  /** How long a publish waits for a connection before failing (it never queues while offline). */
  connectTimeoutMs?: number;
  /** `sub` claim; the username becomes `user:<sub>`. */
  subject?: string;
  tokenTtlSec?: number;
}

const DAY_SEC = 24 * 3600;

export async function signAdminToken(secret: string, subject: string, ttlSec: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signConsoleToken({ sub: subject, role: "admin", iat, exp: iat + ttlSec }, secret);
}

export function createConsoleMqtt(options: ConsoleMqttOptions): ConsolePublisher {
  const subject = options.subject ?? "console";
  const ttl = options.tokenTtlSec ?? DAY_SEC;
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  const handlers = new Set<{ filter: string; onMessage: MessageHandler }>();
  let client: MqttClient | null = null;
  let refresh: NodeJS.Timeout | null = null;
  let starting: Promise<MqttClient> | null = null;

  async function start(): Promise<MqttClient> {
    const password = await signAdminToken(options.secret, subject, ttl);
    const c = mqtt.connect(options.url, {
      username: `${USER_USERNAME_PREFIX}${subject}`,
      password,
      // Not device-shaped: the broker binds client ids `<deviceId>[:…]` to that device.
      clientId: `_${subject}_${process.pid}_${randomBytes(4).toString("hex")}`,
      reconnectPeriod: 1000,
      connectTimeout: timeoutMs,
      clean: true,
    });
    c.on("message", (topic, payload, packet) => {
      for (const h of handlers) if (topicMatches(h.filter, topic)) h.onMessage(topic, payload, packet.retain);
    });
    // Connection errors are retried by mqtt.js; callers see them as publish timeouts.
    c.on("error", () => {});
    // The token expires; a reconnect after a day must present a fresh one.
    refresh = setInterval(() => {
      void signAdminToken(options.secret, subject, ttl).then((p) => {
        c.options.password = p;
      });
    }, (ttl * 1000) / 2);
    refresh.unref();
    client = c;
    return c;
  }

  async function connected(): Promise<MqttClient> {
    starting ??= start();
    const c = await starting;
    if (c.connected) return c;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.off("connect", onConnect);
        reject(new EdgelensError("INTERNAL", `cannot reach the MQTT broker at ${options.url} (EDGELENS_BROKER_URL)`, { brokerUrl: options.url }));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      c.once("connect", onConnect);
    });
    return c;
  }

  return {
    url: options.url,
    async publish(topic, payload, opts = {}) {
      const c = await connected();
      await c.publishAsync(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
    },
    async subscribe(filter, onMessage) {
      const entry = { filter, onMessage };
      const c = await connected();
      // Registered before SUBSCRIBE so that retained messages arriving with the grant are seen.
      handlers.add(entry);
      try {
        const granted = await c.subscribeAsync(filter, { qos: 1 });
        if (granted.some((g) => g.qos === 128)) throw new EdgelensError("FORBIDDEN", `the broker refused the subscription to ${filter}`);
      } catch (err) {
        handlers.delete(entry);
        throw err;
      }
      return async () => {
        handlers.delete(entry);
        if ([...handlers].every((h) => h.filter !== filter) && c.connected) await c.unsubscribeAsync(filter);
      };
    },
    async close() {
      if (refresh) clearInterval(refresh);
      const c = client;
      client = null;
      starting = null;
      if (c) await c.endAsync(true);
    },
  };
}
