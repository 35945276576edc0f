import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TelemetrySchema, type LogLine } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { decodeImage } from "@edgelens/vision";
import { FAST_CONFIG, startAgent } from "./support/agent-process";
import { startAgentStack, seqGaps, type AgentStack } from "./support/agent-stack";
import { buildDesiredState, removalState } from "./support/desired-state";
import { FRAME_COUNTER_SOURCE } from "./support/projects";

const isJpeg = (b: Buffer) => b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;

/** Reads `parts` JPEG parts of an MJPEG response, then hangs up. */
function readMjpegParts(url: string, parts: number): Promise<{ contentType: string; jpegs: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const contentType = String(res.headers["content-type"]);
      let buf = Buffer.alloc(0);
      const jpegs: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const head = buf.indexOf("\r\n\r\n");
          if (head < 0) return;
          const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
          if (buf.length < head + 4 + len + 2) return;
          jpegs.push(buf.subarray(head + 4, head + 4 + len));
          buf = buf.subarray(head + 4 + len + 2);
          if (jpegs.length >= parts) {
            req.destroy();
            resolve({ contentType, jpegs });
            return;
          }
        }
      });
      res.on("error", () => undefined);
    });
    req.on("error", (err) => (err.message.includes("socket hang up") ? undefined : reject(err)));
    req.end();
  });
}

describe("a running agent: streams, preview frames, commands, telemetry, removal", () => {
  let stack: AgentStack;
  let base: string;

  beforeAll(async () => {
    stack = await startAgentStack("cam-life-1");
    const agent = await stack.startAgent();
    base = agent.started.stream!;
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-life",
      projectId: "frame-counter",
      functionSource: FRAME_COUNTER_SOURCE,
      models: {},
      config: { source: "testsrc://testsrc?size=320x240&rate=10", fps: 5 },
    });
    await stack.deploy(desired);
    await stack.waitForState("dep-life", "running");
    await stack.waitForResults("dep-life", 2);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("serves health, snapshots and both MJPEG streams on loopback", async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, deviceId: "cam-life-1", connected: true, project: { deploymentId: "dep-life" } });

    for (const stream of ["project", "device"]) {
      const res = await fetch(`${base}/snapshot.jpg?stream=${stream}`);
      expect(res.headers.get("content-type")).toBe("image/jpeg");
      const img = await decodeImage(new Uint8Array(await res.arrayBuffer()));
      expect([img.width, img.height]).toEqual([320, 240]);
    }
    const project = await readMjpegParts(`${base}/stream/project.mjpg`, 2);
    expect(project.contentType).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    expect(project.jpegs.every(isJpeg)).toBe(true);
    const device = await readMjpegParts(`${base}/stream/device.mjpg`, 2);
    expect(device.jpegs.every(isJpeg)).toBe(true);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/snapshot.jpg?stream=side`)).status).toBe(400);
  });

  it("a second agent on the same stream port exits with the setting to change, and the first serves on", async () => {
    // Two agents on one box (or a test beside another) both defaulting to 8090: the second must say why it stops.
    const port = Number(new URL(base).port);
    const dataDir = mkdtempSync(join(tmpdir(), "edgelens-second-agent-"));
    try {
      const second = startAgent({ deviceFile: stack.deviceFile, dataDir, config: { ...FAST_CONFIG, stream: { port } } });
      const err = await second.then(
        () => new Error("the second agent started"),
        (e: unknown) => e as Error,
      );
      expect(err.message).toContain(`127.0.0.1:${port} is in use`);
      expect(err.message).toContain("--stream-port");
      expect(err.message).toContain("INVALID_CONFIG");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("sends preview frames while the console asks, until its deadline", async () => {
    const until = Date.now() + 2500;
    await stack.observer.publish(topics.streamRequest(stack.deviceId), JSON.stringify({ stream: "project", until }), { qos: 0 });
    const frames = () => stack.observer.on(topics.frames(stack.deviceId, "project"));
    await stack.observer.until(() => frames().length >= 3, "3 preview frames");
    expect(frames().every((m) => isJpeg(m.payload))).toBe(true);
    // Two telemetry samples after the deadline: a stream that did not stop would have sent frames since.
    await stack.observer.until(() => stack.telemetry().filter((t) => t.ts > until + 500).length >= 2, "telemetry after the deadline");
    expect(frames().filter((m) => m.at > until + 500)).toEqual([]);
    expect(stack.observer.on(topics.frames(stack.deviceId, "device"))).toEqual([]);
  });

  it("publishes telemetry with the pipeline's figures", async () => {
    await stack.observer.until(() => stack.telemetry().some((t) => t.fps > 0), "telemetry with fps > 0");
    const t = stack.telemetry().at(-1)!;
    expect(TelemetrySchema.safeParse(t).success).toBe(true);
    expect(t.rssMb).toBeGreaterThan(10);
    expect(t.latencyMs.p95).toBeGreaterThanOrEqual(t.latencyMs.p50);
  });

  it("answers snapshot and restart-project commands", async () => {
    const logs = () => stack.observer.json<LogLine>(topics.logs(stack.deviceId));
    const before = stack.observer.on(topics.frames(stack.deviceId, "project")).length;
    await stack.observer.publish(topics.commands(stack.deviceId), JSON.stringify({ cmd: "snapshot", id: "cmd-snap-1" }));
    await stack.observer.until(() => stack.observer.on(topics.frames(stack.deviceId, "project")).length > before, "snapshot frame");
    await stack.observer.until(() => logs().some((l) => l.msg.includes("cmd-snap-1")), "snapshot log line");

    await stack.observer.publish(topics.commands(stack.deviceId), JSON.stringify({ cmd: "restart-project", id: "cmd-restart-1" }));
    await stack.observer.until(() => logs().some((l) => l.msg.includes("cmd-restart-1") && l.msg.includes("restarted")), "restart log line");
    const after = stack.results("dep-life").length;
    await stack.waitForResults("dep-life", after + 3);
    expect(seqGaps(stack.results("dep-life"))).toEqual([]);
  });

  it("removes the project on an empty deployment", async () => {
    await stack.deploy(removalState("dep-remove"));
    const removed = await stack.waitForState("dep-remove", "removed");
    await stack.observer.until(() => stack.reported().some((r) => r.state === "removed" && r.project === null), "reported removed");
    const removedAt = stack.observer.messages.findIndex((m) => m.topic === topics.deployment(stack.deviceId, "dep-remove"));
    await stack.observer.until(() => stack.telemetry().some((t) => t.ts > removed.ts && t.fps === 0), "telemetry at 0 fps after the removal");
    const later = stack.observer.messages.slice(removedAt).filter((m) => m.topic === topics.infer(stack.deviceId));
    expect(later).toEqual([]);
    const health = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    expect(health.project).toBeNull();
    expect((await fetch(`${base}/snapshot.jpg`)).status).toBe(503);
  });
});
