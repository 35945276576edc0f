import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { CamerasSchema, DesiredProjectSchema, DesiredStateV1Schema, IdSchema, SoakStatusSchema, TimestampSchema, desiredProjectsOf, formatZodError } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";

const ErrorRecordSchema = z.object({ deploymentId: IdSchema.optional(), code: z.string(), message: z.string(), ts: TimestampSchema });
export type ErrorRecord = z.infer<typeof ErrorRecordSchema>;

const OutcomeSchema = z.enum(["running", "degraded", "failed", "removed"]);

/** What the agent remembers of one project. */
export const ProjectMemorySchema = z.object({
  /** The deployment that runs (artifacts are in the cache by hash); null: none runs (its last deployment failed). */
  current: DesiredProjectSchema.nullable(),
  /** The one before it, so an artifact it shares stays in the cache. */
  previous: DesiredProjectSchema.nullable(),
  /** Last deployment of this project handled, whatever its outcome: a retained desired state is not redone. */
  lastHandled: z.object({ deploymentId: IdSchema, outcome: OutcomeSchema, version: z.number().int().positive().optional() }).nullable(),
  lastError: ErrorRecordSchema.nullable(),
  /**
   * The soak of its last deployment with `health`; `previousFps` is the baseline measured before
   * the switch, so a restart during the soak soaks again against the same figure.
   */
  soak: SoakStatusSchema.extend({ previousFps: z.number().nonnegative().nullable().optional() }).optional(),
});
export type ProjectMemory = z.infer<typeof ProjectMemorySchema>;

/** What the agent must remember across restarts to run without the network. */
export const DeployMemorySchema = z.object({
  version: z.literal(2),
  /** By project id, in deployment order. */
  projects: z.record(IdSchema, ProjectMemorySchema),
  /** The desired state (its top-level deploymentId) last carried out, and how. */
  lastHandled: z.object({ deploymentId: IdSchema, outcome: OutcomeSchema }).nullable(),
  lastError: ErrorRecordSchema.nullable(),
  /** The device's cameras from the last desired state (absent in files from before cameras). */
  cameras: CamerasSchema.optional(),
});
export type DeployMemory = z.infer<typeof DeployMemorySchema>;

export const EMPTY_MEMORY: DeployMemory = { version: 2, projects: {}, lastHandled: null, lastError: null };

/** The single-project file of agents before multi-project: read once, saved as version 2. */
const DeployMemoryV1Schema = z.object({
  version: z.literal(1),
  current: DesiredStateV1Schema.nullable(),
  previous: DesiredStateV1Schema.nullable(),
  lastHandled: z.object({ deploymentId: IdSchema, outcome: OutcomeSchema }).nullable(),
  lastError: ErrorRecordSchema.nullable(),
});

function fromV1(v1: z.infer<typeof DeployMemoryV1Schema>): DeployMemory {
  const [current] = desiredProjectsOf(v1.current ?? { deploymentId: "none", project: null, function: null, models: {}, config: {} }).projects;
  const [previous] = v1.previous ? desiredProjectsOf(v1.previous).projects : [];
  const projectId = current?.project.id ?? previous?.project.id;
  const projects: DeployMemory["projects"] = {};
  if (projectId && current) {
    const lastHandled = v1.lastHandled?.deploymentId === current.deploymentId ? v1.lastHandled : { deploymentId: current.deploymentId, outcome: "running" as const };
    projects[projectId] = { current, previous: previous?.project.id === projectId ? previous : null, lastHandled, lastError: v1.lastError };
  }
  return { version: 2, projects, lastHandled: v1.lastHandled, lastError: v1.lastError };
}

/**
 * A JSON file written by write-temp, fsync, rename: a crash leaves the old or the new file,
 * never half of one.
 */
export class DeployStateStore {
  constructor(readonly path: string) {}

  load(): DeployMemory {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return EMPTY_MEMORY;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new EdgelensError("INVALID_CONFIG", `deployment state ${this.path} is not JSON: ${(err as Error).message}`);
    }
    const v1 = DeployMemoryV1Schema.safeParse(json);
    if (v1.success) return fromV1(v1.data);
    const parsed = DeployMemorySchema.safeParse(json);
    if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `deployment state ${this.path}: ${formatZodError(parsed.error)}`);
    return parsed.data;
  }

  save(memory: DeployMemory): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(DeployMemorySchema.parse(memory), null, 2)}\n`);
    const fd = openSync(tmp, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
