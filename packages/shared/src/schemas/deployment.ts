import { z } from "zod";
import { IdSchema, Sha256Schema, TimestampSchema } from "./common";

/** A content-addressed file the agent downloads with its bearer credentials. */
export const ArtifactSchema = z.object({
  sha256: Sha256Schema,
  size: z.number().int().nonnegative(),
  url: z.string().min(1),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

export const ModelNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "model name must be an identifier");

/** Project config: where frames come from, how fast, and the function's own settings. */
export const ProjectConfigSchema = z
  .object({
    source: z.string().min(1).optional(),
    fps: z.number().positive().max(120).optional(),
    width: z.number().int().positive().max(7680).optional(),
    height: z.number().int().positive().max(4320).optional(),
    threads: z.number().int().positive().max(64).optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  })
  .catchall(z.unknown());
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

/** Retained `shadow/desired`. `project: null` means "run nothing" (docs/design.md: deploying an empty project removes it). */
export const DesiredStateSchema = z.object({
  deploymentId: IdSchema,
  project: z
    .object({
      id: IdSchema,
      version: z.number().int().positive(),
      name: z.string().optional(),
      source: z.string().optional(),
    })
    .nullable(),
  function: ArtifactSchema.nullable(),
  models: z.record(ModelNameSchema, ArtifactSchema),
  config: ProjectConfigSchema,
  ts: TimestampSchema.optional(),
});
export type DesiredState = z.infer<typeof DesiredStateSchema>;

export const DeploymentStateSchema = z.enum([
  "queued",
  "downloading",
  "verifying",
  "loading",
  "running",
  // Running, but failing on too many frames since its trial (the last error in shadow/reported).
  "degraded",
  "failed",
  "rolled-back",
  "removed",
]);
export type DeploymentState = z.infer<typeof DeploymentStateSchema>;

/** `deployments/{deploymentId}`: one message per step the agent takes. */
export const DeploymentProgressSchema = z.object({
  deploymentId: IdSchema,
  state: DeploymentStateSchema,
  pct: z.number().min(0).max(100).optional(),
  reason: z.string().max(4096).optional(),
  code: z.string().optional(),
  ts: TimestampSchema,
});
export type DeploymentProgress = z.infer<typeof DeploymentProgressSchema>;

/** Retained `shadow/reported`: what runs now, and the last error. */
export const ReportedStateSchema = z.object({
  deploymentId: IdSchema.nullable(),
  project: z.object({ id: IdSchema, version: z.number().int().positive() }).nullable(),
  state: DeploymentStateSchema.or(z.literal("idle")),
  lastError: z.object({ deploymentId: IdSchema.optional(), code: z.string(), message: z.string(), ts: TimestampSchema }).nullable(),
  agentVersion: z.string(),
  ts: TimestampSchema,
});
export type ReportedState = z.infer<typeof ReportedStateSchema>;
