/**
 * A fleet of MQTT devices in one process for the fleet bench: opened in parallel batches, each
 * publishing an InferenceResult every `intervalS` at its own phase (QoS 1), reconnecting by
 * itself after a broker restart. One subscriber measures publish -> subscriber latency.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { inferenceResult, percentile } from "./load";

export interface Fleet {
  clients: MqttClient[];
  /** Devices connected now (connect events minus close events). */
  connected(): number;
  /** Resolves when all are connected, or rejects after `timeoutMs` naming how many are. */
  allConnected(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** Ports of the nodes; device i connects to ports[i % ports.length]. */
  ports: number[];
  logins: IClientOptions[];
  /** Connections opened at once; the next batch starts when one settles. */
  concurrency: number;
  connectTimeoutMs: number;
}

/** Opens every device; mqtt.js reconnects each on its own (1 s period) after a broker restart. */
export async function openFleet(o: FleetOptions): Promise<Fleet> {
  const up = new Set<number>();
  const waiters = new Set<() => void>();
  const clients: MqttClient[] = new Array<MqttClient>(o.logins.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < o.logins.length; i = next++) {
      const client = mqtt.connect(`mqtt://127.0.0.1:${o.ports[i % o.ports.length]}`, { reconnectPeriod: 1000, connectTimeout: o.connectTimeoutMs, protocolVersion: 4, keepalive: 60, ...o.logins[i] });
      client.on("connect", () => {
        up.add(i);
        for (const w of waiters) w();
      });
      client.on("close", () => up.delete(i));
      client.on("error", () => undefined);
      clients[i] = client;
      await new Promise<void>((resolve) => {
        client.once("connect", () => resolve());
        client.once("close", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.logins.length) }, worker));
  return {
    clients,
    connected: () => up.size,
    allConnected: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (up.size < clients.length) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${up.size} of ${clients.length} devices connected after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    async close() {
      await Promise.all(clients.map((c) => c?.endAsync(true).catch(() => undefined)));
    },
  };
}

export interface SteadyResult {
  seconds: number;
  sent: number;
  received: number;
  msgsPerSec: number;
  latencyMs: { p50: number; p99: number };
}

/**
 * Every device publishes one result per `intervalS` (phases spread evenly) for `seconds`; the
 * subscriber (already subscribed to every device's results) counts those of this window. Waits up
 * to `drainMs` after the last publish for the rest to arrive.
 */
export async function runSteady(fleet: Fleet, subscriber: MqttClient, ids: string[], intervalS: number, seconds: number, drainMs: number): Promise<SteadyResult> {
  const latencies: number[] = [];
  let sent = 0;
  const onMessage = (_topic: string, payload: Buffer) => {
    const body = JSON.parse(payload.toString()) as { seq: number; extra: { t: number } };
    if (body.seq > 0) latencies.push(performance.now() - body.extra.t);
  };
  subscriber.on("message", onMessage);
  const start = performance.now();
  const rounds = Math.max(1, Math.floor(seconds / intervalS));
  const timers: NodeJS.Timeout[] = [];
  const done = fleet.clients.map(
    (client, i) =>
      new Promise<void>((resolve) => {
        let seq = 0;
        const fire = () => {
          seq += 1;
          const id = ids[i]!;
          const t = performance.now();
          sent += 1;
          client.publish(topics.infer(id), inferenceResult(id, seq, t), { qos: 1 }, () => undefined);
          if (seq >= rounds) resolve();
        };
        const phase = (i / fleet.clients.length) * intervalS * 1000;
        timers.push(
          setTimeout(() => {
            fire();
            if (seq < rounds) timers.push(setInterval(() => (seq < rounds ? fire() : undefined), intervalS * 1000));
          }, phase),
        );
      }),
  );
  await Promise.all(done);
  const deadline = performance.now() + drainMs;
  while (latencies.length < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const t of timers) clearInterval(t);
  subscriber.off("message", onMessage);
  const elapsed = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { seconds: elapsed, sent, received: latencies.length, msgsPerSec: latencies.length / elapsed, latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) } };
}
