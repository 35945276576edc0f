/**
 * The retained `shadow/desired` lives in the broker's own store, which backups do not hold (it
 * is held open by the running broker) and a new broker data dir does not have. The database
 * does: at start the console looks at what the broker retains and publishes again the desired
 * state of every device the broker has none for. Agents ignore a desired state they already
 * handled (docs/design.md "Desired state"), so publishing one they know is harmless.
 */
import { devices } from "@edgelens/db";
import { filters, parseDeviceTopic, topics } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { currentDesiredState } from "./device-desired-state";

export interface ReconcileOutcome {
  /** Devices the broker already had a desired state for. */
  retained: number;
  /** Devices whose desired state was published again, with the deployment it carries. */
  republished: { deviceId: string; deploymentId: string }[];
  /** Devices that failed to get theirs (the reason is in the message). */
  failed: { deviceId: string; message: string }[];
}

/** Device ids with a non-empty retained desired state on the broker, read by subscribing. */
async function retainedDesired(ctx: ServiceContext, settleMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const cleared = new Set<string>();
  const stop = await ctx.mqtt.subscribe(filters.allOf("shadow/desired"), (topic, payload, retained) => {
    const t = parseDeviceTopic(topic);
    if (!retained || !t) return;
    // An empty retained message is a cleared topic (deregistration), not a desired state.
    if (payload.length === 0) cleared.add(t.deviceId);
    else seen.add(t.deviceId);
  });
  // Retained messages follow the SUBACK at once; a short wait lets them all arrive.
  await new Promise((r) => setTimeout(r, settleMs));
  await stop();
  for (const id of cleared) seen.delete(id);
  return seen;
}

export async function reconcileDesiredStates(ctx: ServiceContext, options: { settleMs?: number } = {}): Promise<ReconcileOutcome> {
  const retained = await retainedDesired(ctx, options.settleMs ?? 1500);
  const outcome: ReconcileOutcome = { retained: 0, republished: [], failed: [] };
  for (const { id } of ctx.db.select({ id: devices.id }).from(devices).all()) {
    if (retained.has(id)) {
      outcome.retained += 1;
      continue;
    }
    try {
      const desired = currentDesiredState(ctx, id);
      if (!desired) continue;
      await ctx.mqtt.publish(topics.shadowDesired(id), JSON.stringify(desired), { qos: 1, retain: true });
      outcome.republished.push({ deviceId: id, deploymentId: String(desired.deploymentId) });
    } catch (err) {
      outcome.failed.push({ deviceId: id, message: (err as Error).message });
    }
  }
  return outcome;
}

const RETRY_MS = 10_000;

/** At console start, in the background: reconciles once the broker answers, retrying until it does. */
export function reconcileWhenBrokerAnswers(ctx: ServiceContext, warned = false): void {
  reconcileDesiredStates(ctx).then(
    (o) => {
      if (o.republished.length > 0) console.log(JSON.stringify({ event: "desired-republished", devices: o.republished }));
      for (const f of o.failed) console.warn(`edgelens: desired state of ${f.deviceId} not published again: ${f.message}`);
    },
    (err: unknown) => {
      if (!warned) console.warn(`edgelens: desired states not checked until the broker answers: ${(err as Error).message}`);
      setTimeout(() => reconcileWhenBrokerAnswers(ctx, true), RETRY_MS).unref();
    },
  );
}
