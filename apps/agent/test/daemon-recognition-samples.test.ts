/**
 * The text-reading and head-pose samples on one real agent (real broker, ffmpeg, onnxruntime on
 * the sample models, real photos): their results, and the annotated project stream asked for over
 * MQTT as the console does, compared with the device stream (the same photo as the agent decoded
 * it) where each overlay is drawn. face-recognition has its own file (daemon-face-gallery).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredProjectsOf, type DesiredProject, type DesiredStateV2, type StreamName } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { decodeImage, type RgbImage } from "@edgelens/vision/image";
import { mediaPath, type MediaName } from "@edgelens/vision/media";
import { ensureSampleModels, getSampleModel } from "@edgelens/vision/models";
import { getTemplate } from "@edgelens/vision/templates";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";

type Box = [number, number, number, number];

/** Pixels of `box` (clipped) where some channel of `a` and `b` differs by more than JPEG noise: an overlay stroke. */
function changedIn(a: RgbImage, b: RgbImage, box: Box, skip: (x: number, y: number) => boolean = () => false): number {
  const [x1, y1, x2, y2] = [Math.max(0, Math.floor(box[0])), Math.max(0, Math.floor(box[1])), Math.min(a.width, Math.ceil(box[2])), Math.min(a.height, Math.ceil(box[3]))];
  let n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const i = (y * a.width + x) * 3;
      if (!skip(x, y) && Math.max(Math.abs(a.data[i]! - b.data[i]!), Math.abs(a.data[i + 1]! - b.data[i + 1]!), Math.abs(a.data[i + 2]! - b.data[i + 2]!)) > 64) n += 1;
    }
  }
  return n;
}

/** Mean absolute difference per channel value: small for the same picture through another codec. */
function meanDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

const inside = (b: Box, x: number, y: number): boolean => x >= b[0] && x < b[2] && y >= b[1] && y < b[3];

const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);

describe("text-reading and head-pose on a real agent, with their annotated stream", () => {
  let stack: AgentStack;
  let textReading: DesiredProject;
  let headPose: DesiredProject;

  async function entry(deploymentId: string, template: string, photo: MediaName): Promise<DesiredProject> {
    const t = getTemplate(template);
    const v1 = await buildDesiredState(stack.artifacts, {
      deploymentId,
      projectId: template,
      functionSource: t.functionSource,
      models: Object.fromEntries(Object.entries(t.models).map(([name, sample]) => [name, getSampleModel(sample).path])),
      config: { ...t.defaultConfig, source: `file://${mediaPath(photo)}?loop=1`, fps: 2 },
    });
    return desiredProjectsOf(v1).projects[0]!;
  }

  const list = (deploymentId: string, projects: DesiredProject[]): DesiredStateV2 => ({ version: 2, deploymentId, projects, cameras: [], ts: Date.now() });

  /**
   * The newest frames of both streams that show `photo` (its size tells it from the other
   * project's), asked for as the console does: `stream/request`, JPEGs back on `frames/{stream}`.
   */
  async function streamFrames(photo: RgbImage): Promise<Record<StreamName, RgbImage>> {
    const since = Date.now();
    for (const stream of ["project", "device"] as const) {
      await stack.observer.publish(topics.streamRequest(stack.deviceId), JSON.stringify({ stream, until: Date.now() + 20_000, fps: 5 }), { qos: 0 });
    }
    const found: Partial<Record<StreamName, RgbImage>> = {};
    const look = async (stream: StreamName): Promise<void> => {
      for (const m of stack.observer.on(topics.frames(stack.deviceId, stream)).filter((f) => f.at >= since).reverse()) {
        const image = await decodeImage(new Uint8Array(m.payload));
        if (image.width === photo.width && image.height === photo.height) return void (found[stream] = image);
      }
    };
    const started = Date.now();
    while (!found.project || !found.device) {
      if (Date.now() - started > 20_000) throw new Error(`no ${photo.width}x${photo.height} frames on both streams\n${stack.agentLog()}`);
      await Promise.all([look("project"), look("device")]);
      if (!found.project || !found.device) await new Promise((r) => setTimeout(r, 200));
    }
    return found as Record<StreamName, RgbImage>;
  }

  beforeAll(async () => {
    await ensureSampleModels();
    stack = await startAgentStack("cam-samples-1");
    await stack.startAgent();
    [textReading, headPose] = await Promise.all([entry("tr-1", "text-reading", "imageTextN.png"), entry("hp-1", "head-pose", "messi5.jpg")]);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("text-reading reads the page's words and outlines them in the project stream", async () => {
    await stack.deploy(list("tr-1", [textReading]));
    await stack.waitForState("tr-1", "running", 120_000);
    const [first] = await stack.waitForResults("tr-1", 1, 60_000);
    const texts = first?.texts ?? [];
    const words = texts.map((t) => t.text ?? "").join(" ");
    for (const word of ["technical", "implementation", "real-world", "photographs", "inspiration", "approaches"]) expect(words, stack.agentLog(20)).toContain(word);
    expect(first?.counts).toEqual({ text: texts.length });

    const page = await decodeImage(mediaPath("imageTextN.png"));
    const { project, device } = await streamFrames(page);
    // Each line's outline and its label above it (16 px text).
    const lines = texts.map((t) => t.box as Box).map((b): Box => [b[0] - 3, b[1] - 22, b[2] + 3, b[3] + 3]);
    const whole: Box = [0, 0, page.width, page.height];
    const perLine = lines.map((b) => changedIn(project, device, b));
    const elsewhere = changedIn(project, device, whole, (x, y) => lines.some((b) => inside(b, x, y)));
    console.info(`text-reading stream ${page.width}x${page.height}: changed px per line ${perLine.join(" ")}, elsewhere ${elsewhere}; device~page mean diff ${meanDiff(device, page).toFixed(2)}`);
    for (const n of perLine) expect(n).toBeGreaterThan(100);
    // Away from the lines only label ends and JPEG blocks they touch: the same page underneath.
    expect(elsewhere).toBeLessThan(area(whole) * 0.05);
    // The control: the device stream is the page itself, within JPEG and YUV noise (sharp black-on-white edges: 8.2 measured).
    expect(meanDiff(device, page)).toBeLessThan(12);
  }, 240_000);

  it("head-pose, added beside it, reports Messi's head turned right and down and draws its axes", async () => {
    await stack.deploy(list("hp-1", [textReading, headPose]));
    await stack.waitForState("hp-1", "running", 120_000);
    const [first] = await stack.waitForResults("hp-1", 1, 60_000);
    const face = first?.faces?.[0];
    expect(first?.faces, stack.agentLog(20)).toHaveLength(1);
    // The signs the vision tests establish on the same photo (templates.test.ts): turned to the picture's right, looking down.
    expect(face?.yaw).toBeGreaterThan(10);
    expect(face?.pitch).toBeLessThan(-10);
    expect(typeof face?.roll).toBe("number");

    const photo = await decodeImage(mediaPath("messi5.jpg"));
    const { project, device } = await streamFrames(photo);
    const box = face!.box as Box;
    const pad = box[2] - box[0];
    const around: Box = [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad];
    const near = changedIn(project, device, around);
    const elsewhere = changedIn(project, device, [0, 0, photo.width, photo.height], (x, y) => inside(around, x, y));
    console.info(`head-pose stream ${photo.width}x${photo.height}: changed px around the face ${near}, elsewhere ${elsewhere}; device~photo mean diff ${meanDiff(device, photo).toFixed(2)}`);
    expect(near).toBeGreaterThan(100);
    // The yellow box's label may reach past `around`; the rest is the photo as it was.
    expect(elsewhere).toBeLessThan(photo.width * photo.height * 0.03);
    expect(meanDiff(device, photo)).toBeLessThan(8);
    // Both projects run on: text-reading kept numbering its results.
    const before = stack.results("tr-1").length;
    await stack.waitForResults("tr-1", before + 1, 30_000);
  }, 240_000);
});
