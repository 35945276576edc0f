/**
 * face-recognition on a real agent: the desired state's gallery artifact is downloaded, verified,
 * read by the agent and handed to the sandboxed function, which names the player in a looping
 * photo; a gallery changed under the same deployment reaches the running function without a
 * reload. Real broker, real agent process, real models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesiredStateV2Schema, type Artifact, type DesiredStateV2, type FaceGallery, type InferenceResult, type ReportedState } from "@edgelens/shared/schemas";
import { describeGalleryPhoto } from "@edgelens/vision/face-recognition";
import { decodeImage } from "@edgelens/vision/image";
import { faceMediaPath } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { createOrtModelRunner } from "@edgelens/vision/onnx";
import { getTemplate } from "@edgelens/vision/templates";
import { seqGaps, startAgentStack, type AgentStack } from "./support/agent-stack";
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
  let player: FaceGallery;

  beforeAll(async () => {
    await ensureSampleModels();
    [stack, player] = await Promise.all([startAgentStack("cam-faces-1"), playerGallery()]);
    await stack.startAgent();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** face-recognition on the looping basketball photo under `deploymentId`, with `gallery`. */
  async function faceRecognition(deploymentId: string, gallery: Artifact): Promise<DesiredStateV2> {
    const t = getTemplate("face-recognition");
    const v1 = await buildDesiredState(stack.artifacts, {
      deploymentId,
      projectId: "face-recognition",
      functionSource: t.functionSource,
      models: Object.fromEntries(Object.entries(t.models).map(([name, sample]) => [name, getSampleModel(sample).path])),
      config: { ...t.defaultConfig, source: `file://${faceMediaPath("basketball2.png")}?loop=1`, fps: 2 },
    });
    const { project, function: fn, models, config } = v1;
    if (!project || !fn) throw new Error("expected a project");
    return DesiredStateV2Schema.parse({ version: 2, deploymentId, projects: [{ deploymentId, project, function: fn, models, config, gallery }], ts: Date.now() });
  }

  /** The same desired state with another gallery, as the console republishes it after a gallery change. */
  function withGallery(desired: DesiredStateV2, gallery: Artifact): DesiredStateV2 {
    return { ...desired, projects: desired.projects.map((p) => ({ ...p, gallery })), ts: Date.now() };
  }

  const galleryArtifact = (g: FaceGallery): Artifact => stack.artifacts.add(Buffer.from(JSON.stringify(g)));
  const firstFace = (r: InferenceResult | undefined) => r?.faces?.[0];

  it("names the gallery's player in the other basketball frame", async () => {
    await stack.deploy(await faceRecognition("fr-1", galleryArtifact(player)));
    await stack.waitForState("fr-1", "running", 120_000);
    const [first] = await stack.waitForResults("fr-1", 1, 60_000);
    expect(firstFace(first), stack.agentLog(30)).toMatchObject({ name: "player", gender: "male" });
    expect(first?.counts).toEqual({ face: 1, unknown: 0 });
  }, 240_000);

  it("a gallery change reaches the running deployment without a reload: a bad one is an error and changes nothing, a good one names the player", async () => {
    const empty = await faceRecognition("fr-2", galleryArtifact({ version: 1, people: [] }));
    await stack.deploy(empty);
    await stack.waitForState("fr-2", "running", 120_000);
    const [unknown] = await stack.waitForResults("fr-2", 1, 60_000);
    expect(firstFace(unknown), stack.agentLog(30)).toMatchObject({ name: null });

    // A gallery whose bytes are not what the desired state says: reported, and the old one stays.
    const bytes = Buffer.from(JSON.stringify({ ...player, version: 2 }));
    await stack.deploy(withGallery(empty, stack.artifacts.addMislabelled(bytes, "f".repeat(64))));
    const galleryOf = (r: ReportedState | undefined) => r?.projects?.find((p) => p.deploymentId === "fr-2")?.gallery;
    await stack.observer.until(
      () => stack.reported().some((r) => r.projects?.some((p) => p.deploymentId === "fr-2" && p.state === "running" && p.lastError?.code === "CHECKSUM_MISMATCH")),
      () => `fr-2 reported with CHECKSUM_MISMATCH\n${stack.agentLog()}`,
    );
    // The device still names the gallery it uses: the empty one, not the mislabelled one.
    expect(galleryOf(stack.reported().at(-1))).toBe(empty.projects[0]!.gallery!.sha256);
    const afterBad = stack.results("fr-2").length;
    await stack.waitForResults("fr-2", afterBad + 1, 30_000);
    expect(stack.results("fr-2").map((r) => firstFace(r)?.name)).not.toContain("player");

    const good = stack.artifacts.add(bytes);
    await stack.deploy(withGallery(empty, good));
    await stack.observer.until(() => stack.results("fr-2").some((r) => firstFace(r)?.name === "player"), () => `fr-2 naming the player\n${stack.agentLog()}`);
    // shadow/reported says the new gallery is in use (and the failed update's error is gone).
    await stack.observer.until(() => galleryOf(stack.reported().at(-1)) === good.sha256, () => `fr-2 reporting gallery ${good.sha256}\n${JSON.stringify(stack.reported().at(-1))}`);
    expect(stack.reported().at(-1)!.projects!.find((p) => p.deploymentId === "fr-2")!.lastError).toBeNull();
    const results = stack.results("fr-2");
    expect(seqGaps(results), "seq rises by one: the deployment's worker was not replaced").toEqual([]);
    const named = results.findIndex((r) => firstFace(r)?.name === "player");
    expect(results.slice(named).map((r) => firstFace(r)?.name)).toEqual(results.slice(named).map(() => "player"));
    // One deployment, loaded once: no second load, no failure.
    const states = stack.progress("fr-2").map((p) => p.state);
    expect(states.filter((s) => s === "loading" || s === "running" || s === "failed")).toEqual(["loading", "running"]);
    expect(stack.agent!.proc.output()).toMatch(/deployment fr-2: face gallery [0-9a-f]{12} in use/);
  }, 240_000);
});
