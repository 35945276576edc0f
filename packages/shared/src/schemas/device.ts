import { z } from "zod";
import { DeviceIdSchema, IdSchema, TimestampSchema } from "./common";

/** Retained `status`; the last will carries `offline`. */
export const DeviceStatusSchema = z.object({
  state: z.enum(["online", "offline"]),
  agentVersion: z.string().min(1).max(64),
  ts: TimestampSchema,
});
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

export const TelemetrySchema = z.object({
  fps: z.number().nonnegative(),
  latencyMs: z.object({ p50: z.number().nonnegative(), p95: z.number().nonnegative() }),
  cpu: z.number().nonnegative().describe("process CPU use, percent of one core"),
  rssMb: z.number().nonnegative(),
  droppedFrames: z.number().int().nonnegative(),
  spoolDepth: z.number().int().nonnegative(),
  /** Per running project (agents since multi-project). */
  projects: z
    .array(
      z.object({
        projectId: IdSchema,
        deploymentId: IdSchema,
        fps: z.number().nonnegative(),
        latencyMs: z.object({ p50: z.number().nonnegative(), p95: z.number().nonnegative() }),
        cpu: z.number().nonnegative().describe("time its worker spent on frames, percent of one core, since the last sample"),
        cpuMs: z.number().nonnegative().describe("the same, in ms since the project started"),
        threads: z.number().int().positive().optional(),
        droppedFrames: z.number().int().nonnegative(),
      }),
    )
    .max(64)
    .optional(),
  ts: TimestampSchema,
});
export type Telemetry = z.infer<typeof TelemetrySchema>;

export const LogLineSchema = z.object({
  level: z.enum(["debug", "info", "warn", "error"]),
  msg: z.string().max(4096),
  ts: TimestampSchema,
  code: z.string().optional(),
  projectId: IdSchema.optional(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export const CommandSchema = z.object({
  cmd: z.enum(["restart-project", "snapshot", "restart-agent", "clip"]),
  id: IdSchema,
  args: z.record(z.string(), z.unknown()).optional(),
});
export type Command = z.infer<typeof CommandSchema>;

export const StreamNameSchema = z.enum(["project", "device"]);
export type StreamName = z.infer<typeof StreamNameSchema>;

/** `stream/request`: send preview frames of `stream` until `until` (ms epoch). */
export const StreamRequestSchema = z.object({
  stream: StreamNameSchema,
  until: TimestampSchema,
  fps: z.number().positive().max(30).optional(),
});
export type StreamRequest = z.infer<typeof StreamRequestSchema>;

/** `edgelens-device.json`, shown once by the console; the agent reads it at start. */
export const DeviceFileSchema = z
  .object({
    deviceId: DeviceIdSchema,
    secret: z.string().min(16).max(256),
    brokerUrl: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, "brokerUrl must start with mqtt://, mqtts://, ws:// or wss://"),
    consoleUrl: z.url(),
  })
  .strict();
export type DeviceFile = z.infer<typeof DeviceFileSchema>;
