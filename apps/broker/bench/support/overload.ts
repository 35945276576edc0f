import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { topics } from "@edgelens/shared/topics";
import { inferenceResult } from "./load";
import { rssMiB } from "./processes";

export interface OverloadWindow {
  /** Seconds since the start of the run, at the end of this window. */
  at: number;
  offered: number;
  /** Publishes a device skipped because its WINDOW of unacknowledged ones was full (it was held). */
  held: number;
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  brokerRssMiB: number;
}

export interface OverloadResult {
  broker: string;
  devices: number;
  offeredPerSec: number;
  windows: OverloadWindow[];
}

/** Unacknowledged QoS 1 publishes one device keeps at most (an agent's send queue). */
const IN_FLIGHT = 20;
const TICK_MS = 10;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return Math.round(values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]! * 10) / 10;
}

/**
 * Open-loop overload: `devices` clients together offer `offeredPerSec` QoS 1 results for
 * `seconds`, each with at most IN_FLIGHT unacknowledged; a publish due while its device's window
 * is full is counted as held (the device was slowed down) instead of queued. One subscriber
 * measures latency; every `windowSeconds` the delivered rate, p50/p99 and the broker's RSS are
 * recorded, so queueing without bound shows as rising p99 and RSS.
 */
export async function runOverload(
  broker: { name: string; pid: number; port: number; output(): string },
  deviceLogins: IClientOptions[],
  subscriberLogin: IClientOptions,
  offeredPerSec: number,
  seconds: number,
  windowSeconds = 5,
): Promise<OverloadResult> {
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const subscriber = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, clean: true, ...subscriberLogin });
  const devices: MqttClient[] = [];
  for (let i = 0; i < deviceLogins.length; i += 50) {
    devices.push(...(await Promise.all(deviceLogins.slice(i, i + 50).map((o) => mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 30_000, protocolVersion: 4, ...o })))));
  }
  let latencies: number[] = [];
  let delivered = 0;
  subscriber.on("message", (_topic, payload) => {
    const body = JSON.parse(payload.toString()) as { extra: { t: number } };
    latencies.push(performance.now() - body.extra.t);
    delivered++;
  });
  await subscriber.subscribeAsync(topics.infer("+"), { qos: 1 });

  const ids = deviceLogins.map((o) => String(o.clientId ?? ""));
  const inFlight = devices.map(() => 0);
  const seq = devices.map(() => 0);
  const perTickPerDevice = (offeredPerSec * TICK_MS) / 1000 / devices.length;
  let credit = 0;
  let offered = 0;
  let held = 0;
  const windows: OverloadWindow[] = [];
  const start = performance.now();
  let windowStart = start;
  let windowDelivered = 0;
  const ticker = setInterval(() => {
    credit += perTickPerDevice;
    const due = Math.floor(credit);
    credit -= due;
    for (let d = 0; d < devices.length; d++) {
      for (let k = 0; k < due; k++) {
        offered++;
        const waiting = inFlight[d] ?? 0;
        if (waiting >= IN_FLIGHT) {
          held++;
          continue;
        }
        inFlight[d] = waiting + 1;
        const next = (seq[d] ?? 0) + 1;
        seq[d] = next;
        const id = ids[d] ?? "";
        devices[d]?.publish(topics.infer(id), inferenceResult(id, next, performance.now()), { qos: 1 }, () => {
          inFlight[d] = (inFlight[d] ?? 1) - 1;
        });
      }
    }
  }, TICK_MS);
  await new Promise<void>((resolve) => {
    const sampler = setInterval(() => {
      const now = performance.now();
      windows.push({
        at: Math.round((now - start) / 100) / 10,
        offered,
        held,
        deliveredPerSec: Math.round((delivered - windowDelivered) / ((now - windowStart) / 1000)),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        brokerRssMiB: rssMiB(broker.pid),
      });
      latencies = [];
      windowDelivered = delivered;
      windowStart = now;
      offered = 0;
      held = 0;
      const gone = Number.isNaN(windows.at(-1)?.brokerRssMiB);
      if (gone) process.stderr.write(`${broker.name} exited during the overload; its output:\n${broker.output()}\n`);
      if (gone || now - start >= seconds * 1000) {
        clearInterval(sampler);
        resolve();
      }
    }, windowSeconds * 1000);
  });
  clearInterval(ticker);
  await Promise.all([subscriber, ...devices].map((c) => c.endAsync(true).catch(() => undefined)));
  return { broker: broker.name, devices: devices.length, offeredPerSec, windows };
}
