import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { DesiredStateSchema, IdSchema, TimestampSchema, formatZodError } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";

/** What the agent must remember across restarts to run without the network. */
export const DeployMemorySchema = z.object({
  version: z.literal(1),
  /** The deployment that runs (its desired state; artifacts are in the cache by hash). */
  current: DesiredStateSchema.nullable(),
  /** The one before it, so an artifact it shares stays in the cache. */
  previous: DesiredStateSchema.nullable(),
  /** Last deployment handled, whatever its outcome: a retained desired state is not redone. */
  lastHandled: z.object({ deploymentId: IdSchema, outcome: z.enum(["running", "degraded", "failed", "removed"]) }).nullable(),
  lastError: z.object({ deploymentId: IdSchema.optional(), code: z.string(), message: z.string(), ts: TimestampSchema }).nullable(),
});
export type DeployMemory = z.infer<typeof DeployMemorySchema>;

export const EMPTY_MEMORY: DeployMemory = { version: 1, current: null, previous: null, lastHandled: null, lastError: null };

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
