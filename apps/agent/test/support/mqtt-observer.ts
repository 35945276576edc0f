import mqtt, { type MqttClient } from "mqtt";

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  /** MQTT DUP flag: the broker redelivering to this observer's resumed session. */
  dup: boolean;
  at: number;
}

export interface MqttObserver {
  client: MqttClient;
  messages: Received[];
  /** Messages whose topic equals `topic` (or starts with it when it ends in '/'). */
  on(topic: string): Received[];
  json<T = unknown>(topic: string): T[];
  /** Resolves when `predicate` holds over the messages; rejects after timeoutMs, naming `what`. */
  until(predicate: () => boolean, what: string | (() => string), timeoutMs?: number): Promise<void>;
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /** After a broker restart: waits for the reconnect and the SUBACK of a fresh subscribe. */
  resubscribe(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A console-side MQTT client for tests: subscribes to `filters` and keeps every message. Clean
 * sessions: a broker restart must not replay what it already delivered (aedes' persisted queue
 * can), so a test that restarts the broker keeps the device out (tcp-gate) until
 * `resubscribe()` confirmed the observer is back.
 */
export async function startObserver(url: string, creds: { username: string; password: string }, filters: string[], clientId = `obs-${Math.random().toString(36).slice(2, 10)}`): Promise<MqttObserver> {
  const client = await mqtt.connectAsync(url, { ...creds, clientId, clean: true, reconnectPeriod: 200, protocolVersion: 4 });
  const messages: Received[] = [];
  client.on("message", (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain, dup: packet.dup, at: Date.now() }));
  const granted = await client.subscribeAsync(filters, { qos: 1 });
  const refused = granted.filter((g) => g.qos === 128);
  if (refused.length > 0) throw new Error(`broker refused ${refused.map((g) => g.topic).join(", ")}`);
  const on = (topic: string): Received[] => messages.filter((m) => (topic.endsWith("/") ? m.topic.startsWith(topic) : m.topic === topic));
  return {
    client,
    messages,
    on,
    json: <T>(topic: string) => on(topic).map((m) => JSON.parse(m.payload.toString()) as T),
    until(predicate, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = (): void => {
          if (predicate()) return resolve();
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}`));
          setTimeout(check, 50);
        };
        check();
      });
    },
    async resubscribe() {
      if (!client.connected) await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      await client.subscribeAsync(filters, { qos: 1 });
    },
    async publish(topic, payload, opts = {}) {
      await client.publishAsync(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
    },
    async close() {
      await client.endAsync(true);
    },
  };
}
