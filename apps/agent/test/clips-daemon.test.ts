import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataPaths, openDatabase, rules } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import type { ReceivedClip } from "./support/artifact-server";
import { desiredProjectsOf, type DesiredStateV2 } from "@edgelens/shared/schemas";
import { buildDesiredState } from "./support/desired-state";
import { vtestSource } from "./support/projects";

/**
 * Asks for a clip (2 s before, 1 s after) on its 40th frame and names it in that result. 8 s in at
 * 5 fps: the ring's own ffmpeg starts after a codec probe, and on a loaded CI box it once started
 * over 3 s after the project's decoder, so a clip asked for 4 s in held only its last second.
 */
const CLIP_ON_FRAME_40 = `
import { defineProject } from "@edgelens/vision/project";
let n = 0;
export default defineProject({
  infer(frame, ctx) {
    n += 1;
    if (n === 40) return { counts: { frames: n }, extra: { clipId: ctx.clip(2, 1) } };
    return { counts: { frames: n } };
  },
});
`;

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string, stack: AgentStack): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${stack.agentLog(30)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function probe(stack: AgentStack, clip: ReceivedClip): { duration: number; codecs: string[] } {
  const file = join(stack.dir, `${clip.report.clipId}.mp4`);
  writeFileSync(file, clip.mp4);
  const out = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", file], { encoding: "utf8" })) as {
    format: { duration: string };
    streams: { codec_name: string }[];
  };
  return { duration: Number(out.format.duration), codecs: out.streams.map((s) => s.codec_name) };
}

describe("clips around events on a running agent (ctx.clip, the broker's clip action, bad requests)", () => {
  let stack: AgentStack;

  let clipperProject: DesiredStateV2["projects"][number];

  beforeAll(async () => {
    stack = await startAgentStack("cam-clips-1");
    // A clip rule on the broker's database: the broker picks rules up as the console writes them.
    const db = openDatabase(dataPaths(join(stack.dir, "broker")).dbFile);
    db.db
      .insert(rules)
      .values({ id: "rule-clip", name: "clip-frame-12", sql: `SELECT * FROM '${filters.allOf("infer")}' WHERE counts.frames = 12`, actions: [{ type: "clip", pre: 1, post: 1 }] })
      .run();
    db.close();
    await stack.startAgent({ ...FAST_CONFIG, clips: { seconds: 4 } });
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-clips",
      projectId: "clipper",
      functionSource: CLIP_ON_FRAME_40,
      models: {},
      config: { source: vtestSource(), fps: 5 },
    });
    clipperProject = desiredProjectsOf(desired).projects[0]!;
    await stack.deploy(desired);
    await stack.waitForState("dep-clips", "running");
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("sends the clip a function asked for: playable H.264, about pre + post long, named in its result", async () => {
    const [result] = await stack.waitForResults("dep-clips", 40);
    expect(result).toBeDefined();
    const named = await until(() => stack.results("dep-clips").find((r) => r.extra?.clipId), 10_000, "the result naming the clip", stack);
    const clip = await until(() => stack.artifacts.clips.find((c) => c.report.clipId === named.extra?.clipId), 20_000, "the function's clip", stack);
    expect(clip.report).toMatchObject({ projectId: "clipper", pre: 2, post: 1, at: named.ts });
    expect(clip.report.error).toBeUndefined();
    const { duration, codecs } = probe(stack, clip);
    expect(codecs).toEqual(["h264"]);
    expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1.1);
    // /healthz shows the ring of the project's source.
    const health = (await (await fetch(`${stack.agent!.started.stream!}/healthz`)).json()) as { clips: { source: string; keptMs: number; users: number }[] };
    expect(health.clips).toEqual([{ source: expect.stringContaining("vtest.avi"), codec: "encode", input: "source", keptMs: expect.any(Number), droppedFrames: 0, users: 1 }]);
    expect(health.clips[0]!.keptMs).toBeGreaterThan(1000);
  });

  it("sends the clip a clip rule asked for, with its event id", async () => {
    const clip = await until(() => stack.artifacts.clips.find((c) => c.report.eventId !== undefined), 25_000, "the rule's clip", stack);
    expect(clip.report).toMatchObject({ clipId: `event-${clip.report.eventId}`, projectId: "clipper", pre: 1, post: 1 });
    expect(clip.report.error).toBeUndefined();
    expect(Math.abs(probe(stack, clip).duration - 2)).toBeLessThanOrEqual(1.1);
  });

  it("answers a clip of a project the device does not run with a clear error, and runs on", async () => {
    const before = stack.results("dep-clips").length;
    const command = { cmd: "clip", id: "clip-bad", args: { clipId: "clip-bad", at: Date.now(), projectId: "nope", pre: 1, post: 1 } };
    await stack.observer.publish(topics.commands(stack.deviceId), JSON.stringify(command));
    const clip = await until(() => stack.artifacts.clips.find((c) => c.report.clipId === "clip-bad"), 10_000, "the refusal", stack);
    expect(clip.report.error).toEqual({ code: "NOT_FOUND", message: "project nope does not run on this device: no source to clip" });
    expect(clip.mp4.length).toBe(0);
    await stack.waitForResults("dep-clips", before + 3);
  });

  it("records a project's named camera from the camera's own decoder, and sends its clip", async () => {
    const gate = desiredProjectsOf(
      await buildDesiredState(stack.artifacts, { deploymentId: "dep-gate", projectId: "gate", functionSource: CLIP_ON_FRAME_40, models: {}, config: { source: "camera://gate", fps: 5 } }),
    ).projects[0]!;
    const cameras = [{ name: "gate", uri: "testsrc://testsrc?size=320x240&rate=10" }];
    await stack.deploy({ version: 2, deploymentId: "dep-gate", projects: [clipperProject, gate], cameras, ts: Date.now() });
    await stack.waitForState("dep-gate", "running");
    const named = await until(() => stack.results("dep-gate").find((r) => r.extra?.clipId), 30_000, "the gate result naming its clip", stack);
    const clip = await until(() => stack.artifacts.clips.find((c) => c.report.clipId === named.extra?.clipId), 20_000, "the gate's clip", stack);
    expect(clip.report).toMatchObject({ projectId: "gate", pre: 2, post: 1 });
    expect(clip.report.error).toBeUndefined();
    const { duration, codecs } = probe(stack, clip);
    expect(codecs).toEqual(["h264"]);
    expect(Math.abs(duration - 3)).toBeLessThanOrEqual(1.1);
    const health = (await (await fetch(`${stack.agent!.started.stream!}/healthz`)).json()) as { clips: { source: string }[] };
    expect(health.clips).toContainEqual(expect.objectContaining({ source: "camera://gate", codec: "encode", input: "camera-frames", users: 1 }));
  }, 60_000);
});
