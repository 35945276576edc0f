import { getSampleModel } from "@edgelens/vision/models";
import { findMediaDir } from "@edgelens/vision/media";
import { desiredProjectsOf, type DesiredProject, type DesiredStateV2, type ProjectHealth } from "@edgelens/shared/schemas";
import type { ArtifactServer } from "./artifact-server";
import { buildDesiredState } from "./desired-state";

/**
 * A tiny project for soak and fleet tests: BlazeFace (2-4 ms a frame) on the photo folder of the
 * test media at a few fps. `config.breakAfter` frames into a worker's life (default 1: it passes
 * its trial, then breaks), `config.mode` says how: "throw" on every frame, or "stall" (a busy
 * loop the worker's timeout kills).
 */
export const SOAK_FUNCTION_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
let n = 0;
export default defineProject({
  models: ["faces"],
  config: { mode: "ok", breakAfter: 1 },
  async infer(frame, ctx) {
    n += 1;
    if (ctx.config.mode !== "ok" && n > ctx.config.breakAfter) {
      if (ctx.config.mode === "throw") throw new Error("this version breaks after its first frames");
      for (;;) {}
    }
    const { tensor, transform } = ctx.vision.letterbox(frame, 256, 256, { normalize: "symmetric" });
    const faces = ctx.vision.decodeBlazeFace(await ctx.models.faces.run({ input: tensor }), { transform, scoreThreshold: 0.5 });
    return { counts: { face: faces.length } };
  },
});
`;

/** The photos of the test media, looped, as a camera at `fps`. */
export function photoFolderSource(): string {
  return `dir://${findMediaDir()}?loop=1`;
}

export interface SoakProjectInput {
  deploymentId: string;
  /** Default "faces-soak". */
  projectId?: string;
  version: number;
  mode?: "ok" | "throw" | "stall";
  fps?: number;
  health?: ProjectHealth;
  /** Where frames come from (default the photo folder). */
  source?: string;
  /** More config (timeoutMs for a stall). */
  config?: Record<string, unknown>;
}

/** One entry of a version-2 desired state: project `faces-soak` (or `projectId`) at `version`. */
export async function soakProject(server: ArtifactServer, input: SoakProjectInput): Promise<DesiredProject> {
  const v1 = await buildDesiredState(server, {
    deploymentId: input.deploymentId,
    projectId: input.projectId ?? "faces-soak",
    version: input.version,
    functionSource: SOAK_FUNCTION_SOURCE,
    models: { faces: getSampleModel("blazeface").path },
    config: { source: input.source ?? photoFolderSource(), fps: input.fps ?? 4, width: 320, height: 240, mode: input.mode ?? "ok", ...input.config },
  });
  const [entry] = desiredProjectsOf(v1).projects;
  return { ...entry!, ...(input.health ? { health: input.health } : {}) };
}

/** The desired state of a device running just `entry`. */
export function onlyProject(entry: DesiredProject): DesiredStateV2 {
  return { version: 2, deploymentId: entry.deploymentId, projects: [entry], ts: Date.now() };
}
