import { decodePayload } from "@edgelens/shared/schemas";
import type { DeviceTopic } from "@edgelens/shared/topics";
import { deviceTopicOf } from "./topic-cache";

/**
 * Every device topic has one payload shape (docs/design.md "Topics"); a payload that does not fit is
 * dropped, never relayed. Frames are JPEG bytes; everything else is JSON checked by its topic's
 * decoder in @edgelens/shared.
 */
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
  const decoded = decodePayload(parsed.kind, payload);
  if (!decoded.ok) return { ok: false, topic: parsed, reason: decoded.error.message };
  const mismatch = crossCheck(parsed, decoded.value);
  if (mismatch) return { ok: false, topic: parsed, reason: mismatch };
  return { ok: true, topic: parsed, value: decoded.json };
}
