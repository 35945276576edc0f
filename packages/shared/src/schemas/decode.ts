import type { z } from "zod";
import { EdgelensError } from "../errors";
import type { DeviceTopicKind } from "../topics";
import { formatZodError } from "./common";
import { DeploymentProgressSchema, DesiredStateSchema, ReportedStateSchema } from "./deployment";
import { CommandSchema, DeviceStatusSchema, LogLineSchema, StreamRequestSchema, TelemetrySchema } from "./device";
import { InferenceResultSchema } from "./inference";

/**
 * The one place an MQTT payload of a device topic becomes a typed value (docs/design.md
 * "Topics"): bytes or text -> JSON -> the topic's schema. Every subscriber (broker, agent,
 * console server, browser) decodes through these, so a bad payload reads the same everywhere.
 * `frames/{stream}` carries JPEG bytes and has no decoder.
 */
export const PAYLOAD_SCHEMAS = {
  infer: InferenceResultSchema,
  status: DeviceStatusSchema,
  telemetry: TelemetrySchema,
  "shadow/desired": DesiredStateSchema,
  "shadow/reported": ReportedStateSchema,
  deployments: DeploymentProgressSchema,
  "stream/request": StreamRequestSchema,
  logs: LogLineSchema,
  commands: CommandSchema,
} as const satisfies Record<Exclude<DeviceTopicKind, "frames">, z.ZodType>;

export type PayloadKind = keyof typeof PAYLOAD_SCHEMAS;
export type PayloadOf<K extends PayloadKind> = z.output<(typeof PAYLOAD_SCHEMAS)[K]>;

/**
 * `value` is the schema's output; `json` the payload as sent (fields the schema does not know
 * included: the broker's rules see what the device published). A failure is INVALID_PAYLOAD,
 * its message the reason alone ("not JSON: ..." or the fields that are wrong) for the caller to
 * prefix, the topic kind in its context.
 */
export type Decoded<T> = { ok: true; value: T; json: unknown } | { ok: false; error: EdgelensError };

/** Bytes (a Node Buffer is a Uint8Array) or text: the browser's MQTT client hands over either. */
export type RawPayload = Uint8Array | string;

const utf8 = new TextDecoder();

export function decodePayload<K extends PayloadKind>(kind: K, payload: RawPayload): Decoded<PayloadOf<K>> {
  const text = typeof payload === "string" ? payload : utf8.decode(payload);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: new EdgelensError("INVALID_PAYLOAD", `not JSON: ${(err as Error).message}`, { topicKind: kind }) };
  }
  const parsed = PAYLOAD_SCHEMAS[kind].safeParse(json);
  if (!parsed.success) return { ok: false, error: new EdgelensError("INVALID_PAYLOAD", formatZodError(parsed.error), { topicKind: kind }) };
  return { ok: true, value: parsed.data as PayloadOf<K>, json };
}

export const decodeInferenceResult = (payload: RawPayload) => decodePayload("infer", payload);
export const decodeDeviceStatus = (payload: RawPayload) => decodePayload("status", payload);
export const decodeTelemetry = (payload: RawPayload) => decodePayload("telemetry", payload);
export const decodeDesiredState = (payload: RawPayload) => decodePayload("shadow/desired", payload);
export const decodeReportedState = (payload: RawPayload) => decodePayload("shadow/reported", payload);
export const decodeDeploymentProgress = (payload: RawPayload) => decodePayload("deployments", payload);
export const decodeStreamRequest = (payload: RawPayload) => decodePayload("stream/request", payload);
export const decodeLogLine = (payload: RawPayload) => decodePayload("logs", payload);
export const decodeCommand = (payload: RawPayload) => decodePayload("commands", payload);
