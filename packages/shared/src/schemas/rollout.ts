import { z } from "zod";

/**
 * A staged rollout's parameters (docs/design.md "Staged rollouts"), Greengrass's names: start
 * with `batch` devices, grow the next batch by `increase` after one finishes without failure, at
 * most `maxPerMinute` notified per minute; abort once `abortFailuresPct` of at least `abortMin`
 * finished devices failed. A device that is not `running` (and, with `soakS` > 0, has not
 * reported its soak passed) `deviceTimeoutS` after it was told counts as failed.
 */
export const RolloutParamsSchema = z
  .object({
    batch: z.number().int("batch: a whole number of devices").min(1, "batch: at least 1 device").max(10_000, "batch: at most 10000 devices").default(1),
    increase: z.number().min(1, "increase: between 1 and 5").max(5, "increase: between 1 and 5").default(2),
    maxPerMinute: z.number().int("max-per-minute: a whole number").min(1, "max-per-minute: at least 1").max(100_000, "max-per-minute: at most 100000").default(1000),
    /** null: never aborts. */
    abortFailuresPct: z.number().gt(0, "abort-failures: a percentage above 0").max(100, "abort-failures: at most 100%").nullable().default(null),
    abortMin: z.number().int("abort-min: a whole number of devices").min(1, "abort-min: at least 1 device").max(100_000).default(1),
    deviceTimeoutS: z.number().int("device-timeout: whole seconds").min(1, "device-timeout: at least 1 second").max(86_400, "device-timeout: at most 86400 seconds").default(600),
    /** 0: `running` alone counts as success. */
    soakS: z.number().int("soak: whole seconds").min(0, "soak: 0 seconds or more").max(3600, "soak: at most 3600 seconds").default(30),
    minFpsRatio: z.number().min(0, "min-fps-ratio: between 0 and 1").max(1, "min-fps-ratio: between 0 and 1").default(0.5),
  })
  .strict();
export type RolloutParams = z.infer<typeof RolloutParamsSchema>;
export type RolloutParamsInput = z.input<typeof RolloutParamsSchema>;

export const RolloutStateSchema = z.enum(["rolling", "paused", "completed", "aborted", "cancelled"]);
export type RolloutState = z.infer<typeof RolloutStateSchema>;

/**
 * Where one device of a rollout stands: not told yet (`pending`), told and not finished
 * (`notified`), succeeded (`running`), `failed`, or failed and told to go back (`rolled-back`).
 */
export const RolloutDeviceStateSchema = z.enum(["pending", "notified", "running", "failed", "rolled-back"]);
export type RolloutDeviceState = z.infer<typeof RolloutDeviceStateSchema>;

/**
 * The health check a device runs after switching (in each `shadow/desired` project entry a
 * rollout deployed): the agent reports `soak: "passed"` on `deployments/{id}` once the project
 * ran `seconds` healthily, or `soak: "failed"` and rolls back by itself.
 */
export const DesiredSoakSchema = z.object({
  seconds: z.number().int().min(0).max(3600),
  minFpsRatio: z.number().min(0).max(1),
});
export type DesiredSoak = z.infer<typeof DesiredSoakSchema>;

export const SoakStateSchema = z.enum(["soaking", "passed", "failed"]);
export type SoakState = z.infer<typeof SoakStateSchema>;
