/** `deploy`'s staged-rollout flags (docs/design.md "Staged rollouts"), read into RolloutParams. */
import type { Command } from "commander";
import { EdgelensError, RolloutParamsSchema, type RolloutParams, type RolloutParamsInput } from "@edgelens/shared";
import { CliFailure } from "../runtime";

export interface RolloutFlags {
  rollout?: boolean;
  batch?: string;
  increase?: string;
  maxPerMinute?: string;
  abortFailures?: string;
  abortMin?: string;
  deviceTimeout?: string;
  soak?: string;
  minFpsRatio?: string;
}

const FLAGS: [keyof RolloutFlags & string, keyof RolloutParamsInput, string][] = [
  ["batch", "batch", "--batch"],
  ["increase", "increase", "--increase"],
  ["maxPerMinute", "maxPerMinute", "--max-per-minute"],
  ["abortFailures", "abortFailuresPct", "--abort-failures"],
  ["abortMin", "abortMin", "--abort-min"],
  ["deviceTimeout", "deviceTimeoutS", "--device-timeout"],
  ["soak", "soakS", "--soak"],
  ["minFpsRatio", "minFpsRatio", "--min-fps-ratio"],
];

export function addRolloutOptions(cmd: Command): Command {
  return cmd
    .option("--rollout", "deploy as a staged rollout (implied by any flag below)")
    .option("--batch <n>", "devices told first (default 1)")
    .option("--increase <factor>", "growth of the next batch after one without failure, 1-5 (default 2)")
    .option("--max-per-minute <n>", "devices told per minute at most (default 1000)")
    .option("--abort-failures <percent>", "abort once this share of finished devices failed, e.g. 20%")
    .option("--abort-min <n>", "devices that must have finished before --abort-failures applies (default 1)")
    .option("--device-timeout <seconds>", "a device not running this long after it was told fails (default 600)")
    .option("--soak <seconds>", "a device succeeds after running healthily this long; 0: running suffices (default 30)")
    .option("--min-fps-ratio <ratio>", "the soak's fps floor, of the previous project's or the configured fps (default 0.5)");
}

/** The rollout's parameters, or null when no rollout flag was given (a plain deployment). */
export function readRolloutFlags(opts: RolloutFlags): RolloutParams | null {
  const given = FLAGS.filter(([key]) => opts[key] !== undefined);
  if (!opts.rollout && given.length === 0) return null;
  const input: Record<string, number> = {};
  for (const [key, field, flag] of given) {
    const raw = String(opts[key]).trim();
    const text = key === "abortFailures" ? raw.replace(/%$/, "") : raw;
    const n = Number(text);
    if (text === "" || !Number.isFinite(n)) throw new EdgelensError("INVALID_PAYLOAD", `${flag}: expected a number, got "${raw}"`);
    input[field] = n;
  }
  const parsed = RolloutParamsSchema.safeParse(input);
  if (!parsed.success) throw new EdgelensError("INVALID_PAYLOAD", parsed.error.issues.map((i) => `--${i.message}`).join("; "));
  return parsed.data;
}

/** `--device a --device b` and `--devices a,b` together, in order, once each. */
export function readDeviceIds(opts: { device?: string[]; devices?: string }): string[] {
  const ids = [...(opts.device ?? []), ...(opts.devices ?? "").split(",")].map((s) => s.trim()).filter((s) => s.length > 0);
  // A usage error, worded and numbered as commander's own for a missing required option.
  if (ids.length === 0) throw new CliFailure("error: required option '--device <id...>' or '--devices <ids>' not specified", 2);
  return [...new Set(ids)];
}
