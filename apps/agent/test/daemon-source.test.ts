import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { LogLine } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, seqGaps, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";
import { startMjpegCamera, type MjpegCamera } from "./support/mjpeg-camera";
import { FRAME_COUNTER_SOURCE } from "./support/projects";

/** A camera that goes away and comes back: the project keeps its deployment and its numbering. */
describe("a source that dies and comes back", () => {
  let stack: AgentStack;
  let camera: MjpegCamera;

  beforeAll(async () => {
    camera = await startMjpegCamera(readFileSync(mediaPath("person.jpg")), 10);
    stack = await startAgentStack("cam-source-1");
    await stack.startAgent({ ...FAST_CONFIG, sources: { restartBaseMs: 200, restartMaxMs: 500, stallTimeoutMs: 3000 } });
  });

  afterAll(async () => {
    await stack?.stop();
    await camera?.stop();
  });

  it("keeps running through a camera outage and resumes publishing", async () => {
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-cam",
      projectId: "frame-counter",
      functionSource: FRAME_COUNTER_SOURCE,
      models: {},
      config: { source: camera.url, fps: 5 },
    });
    await stack.deploy(desired);
    await stack.waitForState("dep-cam", "running");
    await stack.waitForResults("dep-cam", 3);

    await camera.stop();
    const logs = () => stack.observer.json<LogLine>(topics.logs(stack.deviceId));
    await stack.observer.until(() => logs().some((l) => l.code === "SOURCE_FAILED"), "a SOURCE_FAILED log line");
    const during = stack.results("dep-cam").length;

    await camera.start();
    await stack.waitForResults("dep-cam", during + 5);
    const results = stack.results("dep-cam");
    expect(seqGaps(results)).toEqual([]);
    expect(results[0]!.frame).toEqual({ width: 640, height: 424 });
    expect(stack.progress("dep-cam").map((p) => p.state)).not.toContain("failed");
  });
});
