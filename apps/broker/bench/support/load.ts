import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";

export interface LoadResult {
  devices: number;
  sent: number;
  received: number;
  seconds: number;
  msgsPerSec: number;
  latencyMs: { p50: number; p99: number };
  /** publish -> PUBACK at the device (what a durable acknowledgement adds to). */
  ackLatencyMs: { p50: number; p99: number };
  connectSeconds: number;
  /** CPU of this (load generating) process per message: near 1e6/msgsPerSec means it was the bottleneck. */
  loadGeneratorCpuUsPerMsg: number;
}

/** A ~300-byte InferenceResult that passes the broker's schema; `extra.t` carries the send time. */
export function inferenceResult(deviceId: string, seq: number, sentAt: number): string {
  const body = {
    deviceId,
    projectId: "people-counter",
    seq,
    ts: Date.now(),
    frame: { width: 640, height: 480 },
    latencyMs: { total: 18.5, inference: 12.25 },
    detections: [{ label: "person", classId: 0, score: 0.87, box: [120, 40, 260, 400] }],
    counts: { person: seq % 50 === 0 ? 3 : 1 },
    extra: { t: Number(sentAt.toFixed(3)), pad: "" },
  };
  const size = Buffer.byteLength(JSON.stringify(body));
  body.extra.pad = "x".repeat(Math.max(0, 300 - size));
  return JSON.stringify(body);
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function connectAll(url: string, options: IClientOptions[], batch = 50): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  for (let i = 0; i < options.length; i += batch) {
    const group = options.slice(i, i + batch).map((o) => mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 30_000, protocolVersion: 4, ...o }));
    clients.push(...(await Promise.all(group)));
  }
  return clients;
}

/**
 * `devices` clients each publish `perDevice` results at QoS 1, one in flight each (awaiting
 * PUBACK); one subscriber on `edgelens/devices/+/infer` counts them and their latency. Bounded
 * by `timeoutMs`: on expiry the result says how many arrived.
 */
export async function runLoad(
  url: string,
  deviceLogins: IClientOptions[],
  subscriberLogin: IClientOptions,
  perDevice: number,
  timeoutMs: number,
  /** Called right before the measured publishes start and right after they end (CPU sampling). */
  window: { start(): void; end(): void } = { start: () => undefined, end: () => undefined },
): Promise<LoadResult> {
  const connectStart = performance.now();
  const subscriber = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, clean: true, ...subscriberLogin });
  const devices = await connectAll(url, deviceLogins);
  const connectSeconds = (performance.now() - connectStart) / 1000;

  const total = devices.length * perDevice;
  const latencies = new Float64Array(total);
  let received = 0;
  let warmedUp = 0;
  let waiting: { count: number; resolve: () => void } | null = null;
  const arrived = (count: () => number, target: number) =>
    new Promise<void>((resolve) => {
      if (count() >= target) return resolve();
      waiting = { count: target, resolve };
    });
  subscriber.on("message", (_topic, payload) => {
    const body = JSON.parse(payload.toString()) as { seq: number; extra: { t: number } };
    if (body.seq === 0) warmedUp++;
    else {
      if (received < total) latencies[received] = performance.now() - body.extra.t;
      received++;
    }
    if (waiting && (body.seq === 0 ? warmedUp : received) >= waiting.count) {
      waiting.resolve();
      waiting = null;
    }
  });
  await subscriber.subscribeAsync(topics.infer("+"), { qos: 1 });

  // Warm-up: one message (seq 0) per device, all delivered before the measured part starts.
  await Promise.all(devices.map((d, i) => d.publishAsync(topics.infer(deviceId(deviceLogins[i])), inferenceResult(deviceId(deviceLogins[i]), 0, performance.now()), { qos: 1 })));
  let warmupTimer: NodeJS.Timeout | undefined;
  await Promise.race([arrived(() => warmedUp, devices.length), new Promise<void>((r) => (warmupTimer = setTimeout(r, timeoutMs)))]);
  // A pending timer would keep the bench process alive for timeoutMs after its last run.
  clearTimeout(warmupTimer);

  window.start();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const ackLatencies = new Float64Array(total);
  let acked = 0;
  const publishers = devices.map(async (d, i) => {
    const id = deviceId(deviceLogins[i]);
    for (let seq = 1; seq <= perDevice; seq++) {
      const sentAt = performance.now();
      await d.publishAsync(topics.infer(id), inferenceResult(id, seq, sentAt), { qos: 1 });
      if (acked < total) ackLatencies[acked++] = performance.now() - sentAt;
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(publishers).then(() => arrived(() => received, total)), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  const seconds = (performance.now() - start) / 1000;
  const loadCpu = process.cpuUsage(cpuBefore);
  window.end();

  await Promise.all([subscriber, ...devices].map((c) => c.endAsync(true).catch(() => undefined)));
  const sorted = latencies.slice(0, Math.min(received, total)).sort();
  const sortedAcks = ackLatencies.slice(0, acked).sort();
  return {
    devices: devices.length,
    sent: total,
    received,
    seconds,
    msgsPerSec: received / seconds,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
    ackLatencyMs: { p50: percentile(sortedAcks, 50), p99: percentile(sortedAcks, 99) },
    connectSeconds,
    loadGeneratorCpuUsPerMsg: (loadCpu.user + loadCpu.system) / Math.max(1, received),
  };
}

function deviceId(login: IClientOptions | undefined): string {
  return String(login?.clientId ?? "");
}
