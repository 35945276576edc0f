/**
 * A real MQTT subscriber, the way a user's own program would be one: credentials from
 * `edgelens mqtt-token --json`, a persistent session (clean: false, QoS 1) so the broker keeps
 * its subscription and queues for it across a broker restart, and reconnects on its own.
 */
import mqtt, { type MqttClient } from "mqtt";
import { InferenceResultSchema, type InferenceResult } from "@edgelens/shared/schemas";
import { cliOk, type StackEnv } from "./stack";

export interface ResultSubscriber {
  client: MqttClient;
  /** Every valid result received, duplicates (QoS 1 redeliveries) included, in arrival order. */
  results: InferenceResult[];
  /** Payloads that did not parse as an InferenceResult. */
  invalid: string[];
  close(): Promise<void>;
}

export async function subscribeResults(s: StackEnv, filter: string, clientId: string): Promise<ResultSubscriber> {
  const creds = JSON.parse(await cliOk(s, ["mqtt-token", "--ttl", "3600", "--json"])) as { username: string; password: string };
  const client = await mqtt.connectAsync(s.brokerUrl, { ...creds, clientId, clean: false, reconnectPeriod: 500, protocolVersion: 4 });
  const results: InferenceResult[] = [];
  const invalid: string[] = [];
  client.on("message", (_topic, payload) => {
    const parsed = InferenceResultSchema.safeParse(JSON.parse(payload.toString("utf8")));
    if (parsed.success) results.push(parsed.data);
    else invalid.push(payload.toString("utf8").slice(0, 200));
  });
  const granted = await client.subscribeAsync(filter, { qos: 1 });
  if (granted.some((g) => g.qos === 128)) throw new Error(`broker refused the subscription to ${filter}`);
  return {
    client,
    results,
    invalid,
    close: () => client.endAsync(true),
  };
}

/** The distinct seq numbers of one deployment, ascending. */
export function seqsOf(results: InferenceResult[], deploymentId: string): number[] {
  return [...new Set(results.filter((r) => r.deploymentId === deploymentId).map((r) => r.seq))].sort((a, b) => a - b);
}

/** Seq numbers missing between 0 and the highest seen. */
export function missingSeqs(seqs: number[]): number[] {
  const have = new Set(seqs);
  const max = seqs.at(-1) ?? -1;
  const missing: number[] = [];
  for (let i = 0; i <= max; i++) if (!have.has(i)) missing.push(i);
  return missing;
}
