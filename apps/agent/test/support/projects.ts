import { getSampleModel } from "@edgelens/vision/models";
import { mediaPath } from "@edgelens/vision/media";
import { getTemplate } from "@edgelens/vision/templates";
import type { ArtifactServer } from "./artifact-server";
import { buildDesiredState } from "./desired-state";
import type { DesiredStateV1, ProjectConfig } from "@edgelens/shared/schemas";

/** vtest.avi (people walking, 768x576, 10 fps) looped, read like a camera. */
export function vtestSource(): string {
  return `file://${mediaPath("vtest.avi")}?loop=1`;
}

/** The people-counter sample on CenterNet, reading `source` at `fps`. */
export function peopleCounter(server: ArtifactServer, deploymentId: string, config: ProjectConfig = {}): Promise<DesiredStateV1> {
  const t = getTemplate("people-counter");
  return buildDesiredState(server, {
    deploymentId,
    projectId: "people-counter",
    functionSource: t.functionSource,
    models: { detector: getSampleModel("centernet").path },
    config: { ...t.defaultConfig, source: vtestSource(), fps: 3, ...config },
  });
}

/** A function that counts frames and runs no model: cheap, for tests about delivery rather than vision. */
export const FRAME_COUNTER_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
let n = 0;
export default defineProject({
  infer(frame, ctx) {
    n += 1;
    ctx.draw.text([4, 4], "frame " + frame.seq, { color: "yellow", size: 16 });
    return { counts: { frames: n }, extra: { frameSeq: frame.seq } };
  },
});
`;

/** A function whose setup throws. */
export const SETUP_THROWS_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
export default defineProject({
  models: ["detector"],
  setup() {
    throw new Error("setup exploded on purpose");
  },
  infer() {
    return { counts: {} };
  },
});
`;
