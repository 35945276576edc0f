/**
 * face-recognition on a real agent: the desired state's gallery artifact is downloaded, verified,
 * read by the agent and handed to the sandboxed function, which names the player in a looping
 * photo. Real broker, real agent process, real models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesiredStateV2Schema, type FaceGallery } from "@edgelens/shared/schemas";
import { describeGalleryPhoto } from "@edgelens/vision/face-recognition";
import { decodeImage } from "@edgelens/vision/image";
import { faceMediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import { getTemplate } from "@edgelens/vision/templates";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";

async function playerGallery(): Promise<FaceGallery> {
  const detector = await createOrtModelRunner(getSampleModel("blazeface").path, { name: "blazeface", threads: 1 });
  const descriptor = await createOrtModelRunner(getSampleModel("faceres").path, { name: "faceres", threads: 1 });
  try {
    const face = await describeGalleryPhoto(await decodeImage(faceMediaPath("basketball1.png")), { detector, descriptor }, "basketball1.png");
    return { version: 1, people: [{ name: "player", descriptors: [Array.from(face.descriptor)] }] };
  } finally {
    await Promise.all([detector.dispose(), descriptor.dispose()]);
  }
}

describe("face-recognition deployed with a gallery", () => {
  let stack: AgentStack;

  beforeAll(async () => {
    await ensureSampleModels();
    stack = await startAgentStack("cam-faces-1");
    await stack.startAgent();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("names the gallery's player in the other basketball frame", async () => {
    const t = getTemplate("face-recognition");
    const v1 = await buildDesiredState(stack.artifacts, {
      deploymentId: "fr-1",
      projectId: "face-recognition",
      functionSource: t.functionSource,
      models: Object.fromEntries(Object.entries(t.models).map(([name, sample]) => [name, getSampleModel(sample).path])),
      config: { ...t.defaultConfig, source: `file://${faceMediaPath("basketball2.png")}?loop=1`, fps: 2 },
    });
    const gallery = stack.artifacts.add(Buffer.from(JSON.stringify(await playerGallery())));
    const { deploymentId, project, function: fn, models, config } = v1;
    if (!project || !fn) throw new Error("expected a project");
    await stack.deploy(DesiredStateV2Schema.parse({ version: 2, deploymentId, projects: [{ deploymentId, project, function: fn, models, config, gallery }], ts: Date.now() }));
    await stack.waitForState("fr-1", "running", 120_000);
    const [first] = await stack.waitForResults("fr-1", 1, 60_000);
    expect(first?.faces?.[0], stack.agentLog(30)).toMatchObject({ name: "player", gender: "male" });
    expect(first?.counts).toEqual({ face: 1, unknown: 0 });
  }, 240_000);
});
