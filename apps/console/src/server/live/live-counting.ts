import { decodeInferenceResult, filters } from "@edgelens/shared";
import type { ServiceContext } from "../context";

/**
 * Feeds the dashboard's per-minute counters. Results that fail validation are skipped here:
 * the broker's rules and the device's logs are where a malformed result gets reported.
 */
export async function startLiveCounting(ctx: ServiceContext): Promise<() => Promise<void>> {
  return ctx.mqtt.subscribe(filters.allOf("infer"), (_topic, payload, retained) => {
    if (retained) return;
    const decoded = decodeInferenceResult(payload);
    if (decoded.ok) ctx.live.record(decoded.value);
  });
}

const LIVE_RETRY_MS = 10_000;

/** Live counters are best effort: while the broker is away the dashboard shows zeros, and the console keeps trying. */
export function keepLiveCounting(ctx: ServiceContext, warned = false): void {
  startLiveCounting(ctx).catch((err: unknown) => {
    if (!warned) console.warn(`edgelens: live counters off until the broker answers: ${(err as Error).message}`);
    setTimeout(() => keepLiveCounting(ctx, true), LIVE_RETRY_MS).unref();
  });
}
