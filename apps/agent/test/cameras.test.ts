import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { desiredProjectsOf, type Camera, type DesiredProject, type DesiredStateV2, type ReportedCamera } from "@edgelens/shared/schemas";
import { mediaPath } from "@edgelens/vision/media";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";
import { startMjpegCamera, type MjpegCamera } from "./support/mjpeg-camera";
import { startRtspCamera, type RtspCamera } from "./support/rtsp-camera";
import { FRAME_COUNTER_SOURCE, vtestSource } from "./support/projects";

/**
 * Named cameras on one real agent (real broker, real ffmpeg): two projects on one camera share
 * its one decoder, a third reads an MJPEG camera that goes away and comes back, a camera that
 * does not open fails alone, a project naming an unknown camera fails alone (and runs once the
 * camera is added), and an H.264 RTSP camera (ffmpeg's RTP behind an RTSP server on loopback)
 * is read, unplugged and read again.
 */
describe("cameras shared by projects", () => {
  let stack: AgentStack;
  let door: MjpegCamera;
  let street: RtspCamera | undefined;
  let cameras: Camera[];
  const projects: DesiredProject[] = [];

  const project = async (id: string, source: string, fps: number): Promise<DesiredProject> => {
    const v1 = await buildDesiredState(stack.artifacts, { deploymentId: `cam-${id}`, projectId: id, functionSource: FRAME_COUNTER_SOURCE, models: {}, config: { source, fps } });
    return desiredProjectsOf(v1).projects[0]!;
  };
  const list = (head: string): DesiredStateV2 => ({ version: 2, deploymentId: head, projects, cameras, ts: Date.now() });
  const camera = (name: string): ReportedCamera | undefined => stack.reported().at(-1)?.cameras?.find((c) => c.name === name);
  const untilCamera = (name: string, ok: (c: ReportedCamera) => boolean, what: string) =>
    stack.observer.until(() => {
      const c = camera(name);
      return c !== undefined && ok(c);
    }, () => `camera ${name} ${what}: ${JSON.stringify(camera(name))}\n${stack.agentLog()}`, 30_000);

  beforeAll(async () => {
    stack = await startAgentStack("cam-cameras-1");
    door = await startMjpegCamera(readFileSync(mediaPath("person.jpg")), 10);
    cameras = [
      { name: "lobby", uri: vtestSource() },
      { name: "door", uri: door.url },
      // Nothing listens on port 9: it never opens.
      { name: "broken", uri: "rtsp://127.0.0.1:9/none" },
    ];
    await stack.startAgent({ ...FAST_CONFIG, sources: { restartBaseMs: 100, restartMaxMs: 400, stallTimeoutMs: 10_000 } });
  });

  afterAll(async () => {
    if (process.env.CAMERAS_TEST_LOG) writeFileSync(process.env.CAMERAS_TEST_LOG, stack?.agent?.proc.output() ?? "");
    await stack?.stop();
    await door?.stop();
    await street?.close();
  });

  it("decodes a camera once for the two projects reading it, each at its own fps", async () => {
    projects.push(await project("fast", "camera://lobby", 5), await project("slow", "camera://lobby", 1), await project("entry", "camera://door", 2));
    await stack.deploy(list("cam-entry"));
    for (const p of projects) await stack.waitForState(p.deploymentId, "running");
    await untilCamera("lobby", (c) => c.state === "running" && c.readers.length === 2, "runs with 2 readers");
    const lobby = camera("lobby")!;
    expect([...lobby.readers].sort()).toEqual(["fast", "slow"]);
    expect(lobby).toMatchObject({ width: 768, height: 576, restarts: 0, lastError: null });
    // One ffmpeg process decodes vtest.avi, whatever the number of projects reading it.
    const children = execFileSync("ps", ["-o", "args=", "--ppid", String(stack.agent!.started.pid)], { encoding: "utf8" });
    expect(children.split("\n").filter((l) => l.includes("ffmpeg") && l.includes("vtest.avi"))).toHaveLength(1);
    // Each samples the camera at its own rate, on a grid of capture times: the 1 fps project's
    // frames are on average a second apart (a busy box only widens it) while the camera gave
    // several frames in between, which the 5 fps project may take (its pace depends on the box).
    await stack.waitForResults("cam-slow", 4);
    const meanGapMs = (id: string) => {
      const ts = stack.results(id).map((r) => r.ts);
      return (ts.at(-1)! - ts[0]!) / (ts.length - 1);
    };
    const seqsOf = (id: string) => JSON.stringify(stack.results(id).map((r) => [r.extra?.frameSeq, r.ts]));
    expect(meanGapMs("cam-slow"), `slow: ${seqsOf("cam-slow")}`).toBeGreaterThanOrEqual(800);
    const slowSeqs = stack.results("cam-slow").map((r) => Number(r.extra?.frameSeq));
    expect((slowSeqs.at(-1)! - slowSeqs[0]!) / (slowSeqs.length - 1), `slow: ${seqsOf("cam-slow")}`).toBeGreaterThanOrEqual(2);
    expect(stack.results("cam-fast").length).toBeGreaterThan(0);
  }, 150_000);

  it("reports a camera that does not open as failing while the others run on", async () => {
    await untilCamera("broken", (c) => c.state === "failing" && c.restarts > 0, "failing and retried");
    expect(camera("broken")!.lastError).toMatchObject({ code: "SOURCE_FAILED" });
    expect(camera("broken")!.lastError!.message).toContain("broken");
    const before = stack.results("cam-fast").length;
    await stack.waitForResults("cam-fast", before + 2);
  }, 30_000);

  it("fails a project reading an unknown camera with CAMERA_NOT_FOUND, alone, and runs it once the camera is added", async () => {
    projects.push(await project("ghost", "camera://nope", 2));
    await stack.deploy(list("cam-ghost"));
    const failed = await stack.waitForState("cam-ghost", "failed");
    expect(failed.code).toBe("CAMERA_NOT_FOUND");
    expect(failed.reason).toContain('camera "nope"');
    const before = stack.results("cam-slow").length;
    await stack.waitForResults("cam-slow", before + 1);
    // Added afterwards (the order a user takes): the same deployment runs, not deployed again.
    cameras.push({ name: "nope", uri: door.url });
    await stack.deploy(list("cam-ghost"));
    await stack.waitForState("cam-ghost", "running");
    await stack.waitForResults("cam-ghost", 2);
    projects.pop();
    cameras.pop();
    await stack.deploy(list("cam-ghost-removed"));
    await stack.observer.until(
      () => camera("nope") === undefined && !stack.reported().at(-1)?.projects?.some((p) => p.project.id === "ghost"),
      () => `ghost and its camera gone: ${JSON.stringify(stack.reported().at(-1))}`,
    );
  }, 60_000);

  it("shows a camera that goes away as failing and feeds its project again when it comes back", async () => {
    await door.stop();
    await untilCamera("door", (c) => c.state === "failing" && c.lastError !== null, "failing once unplugged");
    const entryBefore = stack.results("cam-entry").length;
    const fastBefore = stack.results("cam-fast").length;
    await stack.waitForResults("cam-fast", fastBefore + 3);
    await door.start();
    await untilCamera("door", (c) => c.state === "running" && c.restarts > 0, "running again");
    await stack.waitForResults("cam-entry", entryBefore + 2);
    expect(camera("door")!.readers).toEqual(["entry"]);
  }, 90_000);

  it("reads an H.264 RTSP camera served on loopback, and again after the camera restarts", async () => {
    street = await startRtspCamera(mediaPath("vtest.avi"), { fps: 10, width: 384 });
    cameras.push({ name: "street", uri: street.url });
    projects.push(await project("street", "camera://street", 2));
    await stack.deploy(list("cam-street"));
    await stack.waitForState("cam-street", "running");
    await untilCamera("street", (c) => c.state === "running" && c.width === 384 && c.height === 288, "running at 384x288");
    await stack.waitForResults("cam-street", 3);
    await street.stop();
    await untilCamera("street", (c) => c.state === "failing" && c.lastError !== null, "failing once unplugged");
    await street.start();
    await untilCamera("street", (c) => c.state === "running" && c.restarts > 0, "running again");
    const before = stack.results("cam-street").length;
    await stack.waitForResults("cam-street", before + 2);
    expect(street.packets).toBeGreaterThan(0);
  }, 90_000);
});
