import { describe, expect, it } from "vitest";
import { EdgelensError } from "../src/errors";
import {
  PAYLOAD_SCHEMAS,
  decodeCommand,
  decodeDeploymentProgress,
  decodeDesiredState,
  decodeDeviceStatus,
  decodeInferenceResult,
  decodeLogLine,
  decodePayload,
  decodeReportedState,
  decodeStreamRequest,
  decodeTelemetry,
} from "../src/schemas/index";

const now = 1_764_000_000_000;
const result = { deviceId: "cam-01", projectId: "people", seq: 3, ts: now, frame: { width: 640, height: 480 }, latencyMs: { total: 20, inference: 15 }, counts: { person: 2 } };
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("payload decoders (one per device topic)", () => {
  it("cover every JSON topic of docs/design.md", () => {
    expect(Object.keys(PAYLOAD_SCHEMAS).sort()).toEqual(["commands", "deployments", "infer", "logs", "shadow/desired", "shadow/reported", "status", "stream/request", "telemetry"]);
  });

  it("decode bytes and text alike into the typed value, keeping the JSON as sent", () => {
    const fromBytes = decodeInferenceResult(bytes({ ...result, unknownField: 1 }));
    const fromText = decodeInferenceResult(JSON.stringify(result));
    expect(fromBytes.ok && fromText.ok).toBe(true);
    if (!fromBytes.ok || !fromText.ok) return;
    expect(fromBytes.value.counts).toEqual({ person: 2 });
    expect(fromText.value).toEqual(fromBytes.value);
    expect(fromBytes.json).toMatchObject({ unknownField: 1 });
  });

  it.each([
    ["status", decodeDeviceStatus, { state: "online", agentVersion: "0.1.0", ts: now }],
    ["telemetry", decodeTelemetry, { fps: 9.5, latencyMs: { p50: 21, p95: 30 }, cpu: 140, rssMb: 210, droppedFrames: 3, spoolDepth: 0, ts: now }],
    ["deployments", decodeDeploymentProgress, { deploymentId: "dep-1", state: "downloading", pct: 40, ts: now }],
    ["stream/request", decodeStreamRequest, { stream: "project", until: now }],
    ["logs", decodeLogLine, { level: "warn", msg: "source restarted", ts: now }],
    ["commands", decodeCommand, { cmd: "restart-project", id: "c1" }],
    ["shadow/reported", decodeReportedState, { deploymentId: "dep-1", project: { id: "people", version: 2 }, state: "running", lastError: null, agentVersion: "0.1.0", ts: now }],
  ] as const)("%s: a valid payload decodes", (_kind, decode, payload) => {
    const decoded = decode(bytes(payload));
    expect(decoded.ok ? decoded.value : decoded.error.message).toMatchObject(payload);
  });

  it("refuse text that is not JSON with INVALID_PAYLOAD and the topic kind", () => {
    const decoded = decodeCommand("{not json");
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error).toBeInstanceOf(EdgelensError);
    expect(decoded.error.code).toBe("INVALID_PAYLOAD");
    expect(decoded.error.message).toMatch(/^not JSON: /);
    expect(decoded.error.context).toEqual({ topicKind: "commands" });
  });

  it("refuse JSON that does not fit, naming the field", () => {
    const decoded = decodeDesiredState(bytes({ deploymentId: "dep-1", project: { id: "p", version: "two" } }));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.code).toBe("INVALID_PAYLOAD");
    expect(decoded.error.message).toMatch(/project\.version/);
    expect(decodePayload("infer", bytes({ ...result, seq: -1 })).ok).toBe(false);
  });
});
