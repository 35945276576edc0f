import { describe, expect, it } from "vitest";
import {
  CameraSchema,
  CommandSchema,
  DeploymentProgressSchema,
  DesiredStateSchema,
  DeviceFileSchema,
  DeviceStatusSchema,
  InferenceResultSchema,
  LogLineSchema,
  ReportedStateSchema,
  StreamRequestSchema,
  TelemetrySchema,
  cameraNameOf,
  formatZodError,
  redactUri,
} from "../src/index";

const sha = "a".repeat(64);
const now = 1_764_000_000_000;

const realistic = {
  inference: {
    deviceId: "nuc-kitchen",
    projectId: "people-counter",
    seq: 41,
    ts: now,
    frame: { width: 768, height: 576 },
    latencyMs: { total: 24.1, inference: 19.8 },
    detections: [{ label: "person", classId: 0, score: 0.67, box: [10, 20, 110, 320], trackId: 3 }],
    poses: [{ score: 0.8, keypoints: [{ name: "nose", x: 50, y: 40, score: 0.9 }] }],
    texts: [{ box: [1, 2, 3, 4], polygon: [[1, 2], [3, 2], [3, 4], [1, 4]], score: 0.7 }],
    faces: [{ box: [221, 96, 258, 133], yaw: 23.9, pitch: -22.9, roll: -7.4 }],
    labels: [{ label: "hot dog", score: 0.4 }],
    counts: { person: 1 },
    extra: { crossed: 2 },
  },
  status: { state: "online", agentVersion: "0.1.0", ts: now },
  telemetry: { fps: 9.5, latencyMs: { p50: 21, p95: 30 }, cpu: 140, rssMb: 210, droppedFrames: 3, spoolDepth: 0, ts: now },
  desired: {
    deploymentId: "dep-1",
    project: { id: "people-counter", version: 2, source: "file:///videos/a.mp4" },
    function: { sha256: sha, size: 1200, url: `/api/artifacts/${sha}` },
    models: { detector: { sha256: sha, size: 9_000_000, url: `/api/artifacts/${sha}` } },
    config: { fps: 5, threshold: 0.3 },
  },
  reported: {
    deploymentId: "dep-1",
    project: { id: "people-counter", version: 2 },
    state: "running",
    lastError: null,
    agentVersion: "0.1.0",
    ts: now,
  },
  progress: { deploymentId: "dep-1", state: "downloading", pct: 40, ts: now },
  stream: { stream: "project", until: now + 30_000 },
  log: { level: "warn", msg: "source restarted", ts: now },
  command: { cmd: "restart-project", id: "c1" },
  deviceFile: { deviceId: "nuc-kitchen", secret: "s".repeat(43), brokerUrl: "mqtt://127.0.0.1:1883", consoleUrl: "http://127.0.0.1:3000" },
};

describe("schemas accept realistic payloads", () => {
  it.each([
    ["InferenceResult", InferenceResultSchema, realistic.inference],
    ["DeviceStatus", DeviceStatusSchema, realistic.status],
    ["Telemetry", TelemetrySchema, realistic.telemetry],
    ["DesiredState", DesiredStateSchema, realistic.desired],
    ["ReportedState", ReportedStateSchema, realistic.reported],
    ["DeploymentProgress", DeploymentProgressSchema, realistic.progress],
    ["StreamRequest", StreamRequestSchema, realistic.stream],
    ["LogLine", LogLineSchema, realistic.log],
    ["Command", CommandSchema, realistic.command],
    ["DeviceFile", DeviceFileSchema, realistic.deviceFile],
  ] as const)("%s", (_name, schema, payload) => {
    const parsed = schema.safeParse(payload);
    expect(parsed.success, parsed.success ? "" : formatZodError(parsed.error)).toBe(true);
  });

  it("removal: desired state with no project", () => {
    expect(DesiredStateSchema.safeParse({ deploymentId: "dep-2", project: null, function: null, models: {}, config: {} }).success).toBe(true);
  });

  it("version 2: a list of projects, each with its own deployment; version 1 fields beside it are allowed", () => {
    const { deploymentId, project, function: fn, models, config } = realistic.desired;
    const entry = { deploymentId, project, function: fn, models, config };
    const v2 = { version: 2, deploymentId: "dep-3", projects: [entry, { ...entry, deploymentId: "dep-3", project: { id: "other", version: 1 } }] };
    expect(DesiredStateSchema.parse(v2)).toMatchObject({ version: 2, projects: [{ project: { id: project.id } }, { project: { id: "other" } }] });
    expect(DesiredStateSchema.parse({ ...realistic.desired, ...v2, projects: [entry] })).toMatchObject({ version: 2, projects: [entry] });
  });

  it("soak: health on a desired project, soak status on progress and reported projects", () => {
    const { deploymentId, project, function: fn, models, config } = realistic.desired;
    const entry = { deploymentId, project, function: fn, models, config, health: { soakSeconds: 30, minFpsRatio: 0.5 } };
    expect(DesiredStateSchema.parse({ version: 2, deploymentId, projects: [entry, { ...entry, project: { id: "b", version: 1 }, health: {} }] })).toMatchObject({ projects: [{ health: { soakSeconds: 30 } }, { health: {} }] });
    const soak = { deploymentId, state: "failed", reason: "crash loop", code: "SOAK_FAILED" };
    expect(DeploymentProgressSchema.parse({ ...realistic.progress, state: "failed", soak }).soak).toEqual(soak);
    const reportedProject = { deploymentId: "dep-0", project: { id: "people-counter", version: 1 }, state: "running", source: null, lastError: null, fps: 4, latencyMs: { p50: 1, p95: 2 }, soak };
    expect(ReportedStateSchema.parse({ ...realistic.reported, projects: [reportedProject] }).projects?.[0]?.soak).toEqual(soak);
  });
});

describe("schemas reject malformed payloads with a message naming the field", () => {
  const cases: Array<[string, { safeParse(v: unknown): { success: boolean; error?: unknown } }, unknown, string]> = [
    ["score above 1", InferenceResultSchema, { ...realistic.inference, detections: [{ ...realistic.inference.detections[0], score: 1.5 }] }, "detections.0.score"],
    ["box with 3 numbers", InferenceResultSchema, { ...realistic.inference, detections: [{ ...realistic.inference.detections[0], box: [1, 2, 3] }] }, "detections.0.box"],
    ["yaw of 270 degrees", InferenceResultSchema, { ...realistic.inference, faces: [{ box: [1, 2, 3, 4], yaw: 270 }] }, "faces.0.yaw"],
    ["negative seq", InferenceResultSchema, { ...realistic.inference, seq: -1 }, "seq"],
    ["bad device id", InferenceResultSchema, { ...realistic.inference, deviceId: "Bad_Id" }, "deviceId"],
    ["missing frame", InferenceResultSchema, { ...realistic.inference, frame: undefined }, "frame"],
    ["unknown state", DeviceStatusSchema, { ...realistic.status, state: "asleep" }, "state"],
    ["fps as string", TelemetrySchema, { ...realistic.telemetry, fps: "9" }, "fps"],
    ["short sha", DesiredStateSchema, { ...realistic.desired, function: { sha256: "abc", size: 1, url: "/x" } }, "function.sha256"],
    ["version 0", DesiredStateSchema, { ...realistic.desired, project: { id: "p", version: 0 } }, "project.version"],
    ["version 3", DesiredStateSchema, { ...realistic.desired, version: 3 }, "version"],
    ["version 2 without projects", DesiredStateSchema, { version: 2, deploymentId: "d" }, "projects"],
    ["one project twice", DesiredStateSchema, { version: 2, deploymentId: "d", projects: [realistic.desired, realistic.desired] }, "a project may appear once"],
    ["pct 140", DeploymentProgressSchema, { ...realistic.progress, pct: 140 }, "pct"],
    ["min fps ratio above 1", DesiredStateSchema, { version: 2, deploymentId: "dep-1", projects: [{ ...realistic.desired, health: { soakSeconds: 30, minFpsRatio: 1.5 } }] }, "projects.0.health.minFpsRatio"],
    ["soak of 0 s", DesiredStateSchema, { version: 2, deploymentId: "dep-1", projects: [{ ...realistic.desired, health: { soakSeconds: 0 } }] }, "projects.0.health.soakSeconds"],
    ["unknown soak state", DeploymentProgressSchema, { ...realistic.progress, state: "running", soak: { deploymentId: "dep-1", state: "soaked" } }, "soak.state"],
    ["unknown stream", StreamRequestSchema, { stream: "audio", until: now }, "stream"],
    ["unknown command", CommandSchema, { cmd: "rm -rf", id: "c" }, "cmd"],
    ["device file with extra key", DeviceFileSchema, { ...realistic.deviceFile, admin: true }, "admin"],
    ["device file with http broker", DeviceFileSchema, { ...realistic.deviceFile, brokerUrl: "http://x" }, "brokerUrl"],
    ["short secret", DeviceFileSchema, { ...realistic.deviceFile, secret: "x" }, "secret"],
    ["camera name with a space", CameraSchema, { name: "front door", uri: "/dev/video0" }, "name"],
    ["camera URI of another scheme", CameraSchema, { name: "door", uri: "ftp://x/y" }, "camera URI scheme must be one of"],
    ["camera URI with a newline", CameraSchema, { name: "door", uri: "rtsp://h/s\nx" }, "control characters"],
    ["one camera twice", DesiredStateSchema, { version: 2, deploymentId: "d", projects: [], cameras: [{ name: "a", uri: "/x" }, { name: "a", uri: "/y" }] }, "a camera name may appear once"],
  ];
  it.each(cases)("%s", (_name, schema, payload, field) => {
    const parsed = schema.safeParse(payload) as { success: boolean; error?: Parameters<typeof formatZodError>[0] };
    expect(parsed.success).toBe(false);
    expect(formatZodError(parsed.error!)).toContain(field);
  });
});

describe("camera sources", () => {
  it("names the camera of a camera:// source, and no other", () => {
    expect(cameraNameOf("camera://door")).toBe("door");
    expect(cameraNameOf(" camera://door/ ")).toBe("door");
    expect(cameraNameOf("rtsp://door/stream")).toBeNull();
    expect(cameraNameOf(undefined)).toBeNull();
    expect(CameraSchema.parse({ name: "door", uri: "/media/my clip.mp4" }).uri).toBe("/media/my clip.mp4");
    expect(redactUri("rtsp://viewer:hunter2@10.0.0.5/s")).toBe("rtsp://viewer:***@10.0.0.5/s");
  });
});
