import type { ZodType } from "zod";
import {
  CommandSchema,
  DeploymentProgressSchema,
  DesiredStateSchema,
  DeviceStatusSchema,
  formatZodError,
  InferenceResultSchema,
  LogLineSchema,
  ReportedStateSchema,
  StreamRequestSchema,
  TelemetrySchema,
} from "@edgelens/shared";
import type { DeviceTopic, DeviceTopicKind } from "@edgelens/shared/topics";
import { deviceTopicOf } from "./topic-cache";

/**
 * Every device topic has one payload shape (docs/design.md "Topics"); a payload that does not fit is
 * dropped, never relayed. Frames are JPEG bytes; everything else is JSON checked by its schema.
 */
const SCHEMAS: Record<Exclude<DeviceTopicKind, "frames">, ZodType> = {
  infer: InferenceResultSchema,
  status: DeviceStatusSchema,
  telemetry: TelemetrySchema,
  "shadow/desired": DesiredStateSchema,
  "shadow/reported": ReportedStateSchema,
  deployments: DeploymentProgressSchema,
  "stream/request": StreamRequestSchema,
  logs: LogLineSchema,
  commands: CommandSchema,
};

export type PayloadCheck =
  | { ok: true; topic: DeviceTopic | null; value: unknown }
  | { ok: false; topic: DeviceTopic; reason: string };

function isJpeg(payload: Buffer): boolean {
  return payload.length >= 4 && payload[0] === 0xff && payload[1] === 0xd8 && payload[2] === 0xff;
}

/** Identity fields inside a payload must agree with the topic they arrive on. */
function crossCheck(topic: DeviceTopic, value: unknown): string | null {
  const v = value as Record<string, unknown>;
  if (topic.kind === "infer" && v.deviceId !== topic.deviceId) return `deviceId '${String(v.deviceId)}' does not match the topic's '${topic.deviceId}'`;
  if (topic.kind === "deployments" && v.deploymentId !== topic.deploymentId) {
    return `deploymentId '${String(v.deploymentId)}' does not match the topic's '${topic.deploymentId}'`;
  }
  return null;
}

/**
 * Checks `payload` against the schema of `topic`. Topics outside the device tree are free-form
 * (value undefined: rules parse them lazily). An empty retained payload clears a retained
 * message and is always allowed.
 */
export function checkPayload(topic: string, payload: Buffer, retain: boolean): PayloadCheck {
  const parsed = deviceTopicOf(topic);
  if (!parsed) return { ok: true, topic: null, value: undefined };
  if (payload.length === 0 && retain) return { ok: true, topic: parsed, value: null };
  if (parsed.kind === "frames") {
    return isJpeg(payload) ? { ok: true, topic: parsed, value: undefined } : { ok: false, topic: parsed, reason: "frames must be JPEG bytes" };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    return { ok: false, topic: parsed, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = SCHEMAS[parsed.kind].safeParse(json);
  if (!result.success) return { ok: false, topic: parsed, reason: formatZodError(result.error) };
  const mismatch = crossCheck(parsed, result.data);
  if (mismatch) return { ok: false, topic: parsed, reason: mismatch };
  return { ok: true, topic: parsed, value: json };
}
