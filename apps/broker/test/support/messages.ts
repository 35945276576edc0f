import type { MqttClient } from "mqtt";
import { topicMatches } from "@edgelens/shared/topics";

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  json(): unknown;
}

/**
 * Records every message a client receives, so tests can wait for one (with a generous bound
 * that only fails a test, never measures it) and check what else arrived meanwhile.
 */
export class Inbox {
  readonly all: Received[] = [];
  private waiters: { filter: string; predicate: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  constructor(client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      const m: Received = { topic, payload, retain: packet.retain, json: () => JSON.parse(payload.toString()) };
      this.all.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!topicMatches(w.filter, topic) || !w.predicate(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  on(filter: string): Received[] {
    return this.all.filter((m) => topicMatches(filter, m.topic));
  }

  next(filter: string, predicate: (m: Received) => boolean = () => true, timeoutMs = 15_000): Promise<Received> {
    const seen = this.all.find((m) => topicMatches(filter, m.topic) && predicate(m));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${filter} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        filter,
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

/** Polls until `check` returns a value other than undefined/false (bounded; fails the test on timeout). */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || !client.connected) return resolve();
    client.once("close", () => resolve());
  });
}

export const inferPayload = (deviceId: string, person = 3, seq = 1) =>
  JSON.stringify({
    deviceId,
    projectId: "people-counter",
    seq,
    ts: Date.now(),
    frame: { width: 640, height: 480 },
    latencyMs: { total: 12, inference: 8 },
    detections: [{ label: "person", classId: 0, score: 0.9, box: [1, 2, 30, 40] }],
    counts: { person },
  });

export async function metricValue(httpPort: number, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line ? Number(line.split(" ").pop()) : 0;
}
