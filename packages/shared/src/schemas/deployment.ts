import { z } from "zod";
import { CamerasSchema, ReportedCameraSchema } from "./camera";
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

const DesiredProjectRefSchema = z.object({
  id: IdSchema,
  version: z.number().int().positive(),
  name: z.string().optional(),
  source: z.string().optional(),
});

/**
 * The single-project `shadow/desired` of consoles before multi-project (version 1, no `version`
 * field). `project: null` means "run nothing" (docs/design.md: deploying an empty project removes it).
 */
export const DesiredStateV1Schema = z.object({
  version: z.literal(1).optional(),
  deploymentId: IdSchema,
  project: DesiredProjectRefSchema.nullable(),
  function: ArtifactSchema.nullable(),
  models: z.record(ModelNameSchema, ArtifactSchema),
  config: ProjectConfigSchema,
  ts: TimestampSchema.optional(),
});
export type DesiredStateV1 = z.infer<typeof DesiredStateV1Schema>;

/**
 * The health check after a switch (docs/design.md "Soak"): the project must run healthily for
 * `soakSeconds` or the agent rolls it back by itself. Absent: no soak (running is success).
 */
export const ProjectHealthSchema = z.object({
  /** Default SOAK_DEFAULTS.soakSeconds. */
  soakSeconds: z.number().positive().max(86_400).optional(),
  /** Results per second at least this share of the baseline fps; default SOAK_DEFAULTS.minFpsRatio. */
  minFpsRatio: z.number().min(0).max(1).optional(),
});
export type ProjectHealth = z.infer<typeof ProjectHealthSchema>;
export const SOAK_DEFAULTS = { soakSeconds: 30, minFpsRatio: 0.5, maxWorkerRestarts: 3 } as const;

/** One project a device runs: its own deployment, artifacts and config (`config.threads` overrides the CPU budget). */
export const DesiredProjectSchema = z.object({
  deploymentId: IdSchema,
  project: DesiredProjectRefSchema,
  function: ArtifactSchema,
  models: z.record(ModelNameSchema, ArtifactSchema),
  config: ProjectConfigSchema,
  /** face-recognition: the face gallery (a FaceGallerySchema JSON file), fetched like a model, read as ctx.gallery. */
  gallery: ArtifactSchema.optional(),
  /** Deployed by a staged rollout: the health check that decides success (docs/design.md "Soak"). */
  health: ProjectHealthSchema.optional(),
});
export type DesiredProject = z.infer<typeof DesiredProjectSchema>;

/**
 * Version 2: every project the device runs. `deploymentId` is the deployment that last changed
 * the list (an added project's own, or a removal's: the agent reports `removed` under it).
 */
export const DesiredStateV2Schema = z.object({
  version: z.literal(2),
  deploymentId: IdSchema,
  projects: z
    .array(DesiredProjectSchema)
    .max(64)
    .refine((ps) => new Set(ps.map((p) => p.project.id)).size === ps.length, "a project may appear once"),
  /** The device's named cameras (consoles since cameras; absent: none). A project reads one with `config.source: "camera://<name>"`. */
  cameras: CamerasSchema.optional(),
  ts: TimestampSchema.optional(),
});
export type DesiredStateV2 = z.infer<typeof DesiredStateV2Schema>;

/** Retained `shadow/desired`: version 2, or version 1 (no `version` field) from an older console. */
export const DesiredStateSchema = z.discriminatedUnion("version", [DesiredStateV1Schema, DesiredStateV2Schema]);
export type DesiredState = z.infer<typeof DesiredStateSchema>;

/** Either version as a list: a version-1 state is a list of one project (or none). */
export function desiredProjectsOf(desired: DesiredState): DesiredStateV2 {
  if (desired.version === 2) return desired;
  const { deploymentId, project, function: fn, models, config, ts } = desired;
  const projects = project && fn ? [{ deploymentId, project, function: fn, models, config }] : [];
  return { version: 2, deploymentId, projects, ...(ts !== undefined ? { ts } : {}) };
}

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

/**
 * Where a deployment with `health` stands in its soak: `soaking` until `endsAt`, then `passed`
 * (it counts as succeeded) or `failed` (`reason`, `code`; the agent rolled it back).
 */
export const SoakStatusSchema = z.object({
  deploymentId: IdSchema,
  state: z.enum(["soaking", "passed", "failed"]),
  reason: z.string().max(4096).optional(),
  code: z.string().optional(),
  endsAt: TimestampSchema.optional(),
});
export type SoakStatus = z.infer<typeof SoakStatusSchema>;

/** `deployments/{deploymentId}`: one message per step the agent takes. */
export const DeploymentProgressSchema = z.object({
  deploymentId: IdSchema,
  state: DeploymentStateSchema,
  pct: z.number().min(0).max(100).optional(),
  reason: z.string().max(4096).optional(),
  code: z.string().optional(),
  /** On `running` (soaking, then passed) and `failed` of a deployment with `health`. */
  soak: SoakStatusSchema.optional(),
  ts: TimestampSchema,
});
export type DeploymentProgress = z.infer<typeof DeploymentProgressSchema>;

/** One entry of `shadow/reported.projects`: a project the device runs, or whose deployment failed. */
export const ReportedProjectSchema = z.object({
  deploymentId: IdSchema,
  project: z.object({ id: IdSchema, version: z.number().int().positive() }),
  state: z.enum(["running", "degraded", "failed"]),
  source: z.string().nullable(),
  lastError: z.object({ deploymentId: IdSchema.optional(), code: z.string(), message: z.string(), ts: TimestampSchema }).nullable(),
  fps: z.number().nonnegative(),
  latencyMs: z.object({ p50: z.number().nonnegative(), p95: z.number().nonnegative() }),
  /** onnxruntime intra-op threads per model it was loaded with (the CPU budget's share). */
  threads: z.number().int().positive().optional(),
  /** The soak of this project's last deployment with `health` (which may be the one rolled back). */
  soak: SoakStatusSchema.optional(),
  /** sha256 of the face gallery the running function uses (agents since gallery updates; absent without one). */
  gallery: Sha256Schema.optional(),
});
export type ReportedProject = z.infer<typeof ReportedProjectSchema>;

/**
 * Retained `shadow/reported`: what runs now, and the last error. The top-level fields summarise
 * (for consoles before multi-project); `projects` (agents since multi-project) lists each project.
 */
export const ReportedStateSchema = z.object({
  deploymentId: IdSchema.nullable(),
  project: z.object({ id: IdSchema, version: z.number().int().positive() }).nullable(),
  state: DeploymentStateSchema.or(z.literal("idle")),
  lastError: z.object({ deploymentId: IdSchema.optional(), code: z.string(), message: z.string(), ts: TimestampSchema }).nullable(),
  projects: z.array(ReportedProjectSchema).max(64).optional(),
  /** Each camera's decoder (agents since cameras). */
  cameras: z.array(ReportedCameraSchema).max(32).optional(),
  agentVersion: z.string(),
  ts: TimestampSchema,
});
export type ReportedState = z.infer<typeof ReportedStateSchema>;
