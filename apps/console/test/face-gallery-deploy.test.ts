/**
 * The face gallery reaches face-recognition deployments (docs/design.md "Face gallery"): the desired
 * state carries it as an artifact, through the real broker, and every gallery change republishes
 * it under the same deployment; descriptors come from real photos and onnxruntime.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath } from "@edgelens/db";
import { DesiredStateSchema, FaceGallerySchema, topics, type DesiredProject, type DesiredStateV2 } from "@edgelens/shared";
import { faceMediaPath, mediaPath } from "@edgelens/vision/media";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import type { ServiceContext } from "../src/server/context";
import { deployProject } from "../src/server/services/deployments";
import { registerDevice } from "../src/server/services/devices";
import { addPersonPhotos, removePerson } from "../src/server/services/people";
import { createProject } from "../src/server/services/projects";
import { startBroker, type BrokerProcess } from "./support/broker";
import { connectAsDevice, nextJson } from "./support/fake-device";
import { TEST_SECRET } from "./support/temp-context";

describe("face gallery in the desired state", () => {
  let dir: string;
  let broker: BrokerProcess;
  let ctx: ServiceContext;
  let device: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-gallery-deploy-"));
    broker = await startBroker(dir, TEST_SECRET);
    ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl }));
    const file = (await registerDevice(ctx, { id: "cam-faces" })).deviceFile;
    await createProject(ctx, { name: "door", template: "face-recognition", config: { source: "/media/door.jpg" } });
    await createProject(ctx, { name: "plain", template: "face-detection", config: { source: "/media/door.jpg" } });
    device = await connectAsDevice(broker.mqttUrl, file);
  }, 120_000);
  afterAll(async () => {
    await device?.endAsync();
    if (ctx) await closeContext(ctx);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deployedEntry(projectId: string): Promise<DesiredProject> {
    const [dep] = await deployProject(ctx, { projectId, deviceIds: ["cam-faces"] }, "test");
    const desired = DesiredStateSchema.parse(await nextJson(device, topics.shadowDesired("cam-faces"), (j) => (j as { deploymentId?: string }).deploymentId === dep!.id));
    if (desired.version !== 2) throw new Error("expected a version-2 desired state");
    return desired.projects.find((p) => p.deploymentId === dep!.id)!;
  }

  const galleryOf = (entry: DesiredProject) => FaceGallerySchema.parse(JSON.parse(readFileSync(artifactPath(ctx.paths, entry.gallery!.sha256), "utf8")));

  /** The device's retained desired state (read by subscribing again) once `accept` holds for it. */
  async function retainedDesired(accept: (d: DesiredStateV2) => boolean): Promise<DesiredStateV2> {
    const parse = (j: unknown) => DesiredStateSchema.parse(j);
    const desired = parse(await nextJson(device, topics.shadowDesired("cam-faces"), (j) => {
      const d = parse(j);
      return d.version === 2 && accept(d);
    }));
    if (desired.version !== 2) throw new Error("expected a version-2 desired state");
    return desired;
  }

  it("a face-recognition deployment carries the gallery; people added or removed reach it under the same deployment id", async () => {
    await addPersonPhotos(ctx, "player", [{ name: "basketball1.png", bytes: readFileSync(faceMediaPath("basketball1.png")) }]);
    const first = await deployedEntry("door");
    expect(first.gallery).toMatchObject({ url: `/api/artifacts/${first.gallery?.sha256}` });
    const g1 = galleryOf(first);
    expect(g1.people.map((p) => [p.name, p.descriptors.length])).toEqual([["player", 1]]);
    expect(g1.people[0]?.descriptors[0]).toHaveLength(1024);

    await addPersonPhotos(ctx, "messi", [{ name: "messi5.jpg", bytes: readFileSync(mediaPath("messi5.jpg")) }]);
    const entryOf = (d: DesiredStateV2) => d.projects.find((p) => p.deploymentId === first.deploymentId);
    const added = await retainedDesired((d) => entryOf(d)?.gallery?.sha256 !== first.gallery?.sha256);
    // No new deployment: the same entry (and head) with only the gallery pointer changed.
    expect(added.deploymentId).toBe(first.deploymentId);
    expect({ ...entryOf(added), gallery: first.gallery }).toEqual(first);
    const g2 = galleryOf(entryOf(added)!);
    expect(g2.version).toBeGreaterThan(g1.version);
    expect(g2.people.map((p) => p.name)).toEqual(["messi", "player"]);
    // The first artifact is untouched: a device still on it (offline) runs what it verified.
    expect(galleryOf(first)).toEqual(g1);

    await removePerson(ctx, "messi");
    const removed = await retainedDesired((d) => entryOf(d)?.gallery?.sha256 !== entryOf(added)?.gallery?.sha256);
    expect(removed.deploymentId).toBe(first.deploymentId);
    expect(galleryOf(entryOf(removed)!).people.map((p) => p.name)).toEqual(["player"]);
  }, 120_000);

  it("other templates get no gallery", async () => {
    expect((await deployedEntry("plain")).gallery).toBeUndefined();
  }, 60_000);
});
