/** Bodies and queries of the REST API that the services do not define themselves. */
import { z } from "zod";
import { CommandSchema, RoleSchema } from "@edgelens/shared";
import { PasswordSchema } from "../services/users";

export const LoginSchema = z.object({ email: z.string().min(1), password: z.string().min(1) }).strict();

export const RenameDeviceSchema = z.object({ name: z.string().trim().min(1).max(128) }).strict();

export const CommandInputSchema = z.object({ cmd: CommandSchema.shape.cmd, args: z.record(z.string(), z.unknown()).optional() }).strict();

export const ModelImportSchema = z
  .object({
    name: z.string().min(1).max(128),
    uploadId: z.string().min(1),
    format: z.enum(["onnx", "tfjs"]).default("onnx"),
    description: z.string().max(2000).optional(),
  })
  .strict();

export const RawModelQuerySchema = z.object({
  name: z.string().min(1).max(128),
  description: z.string().max(2000).optional(),
  filename: z.string().max(128).optional(),
});

export const TokenCreateSchema = z.object({ name: z.string().trim().min(1).max(128) }).strict();

export const UserUpdateSchema = z.object({ role: RoleSchema.optional(), password: PasswordSchema.optional() }).strict();

export const ProjectInfoSchema = z.object({ name: z.string().trim().min(1).max(128).optional(), description: z.string().max(2000).nullable().optional() }).strict();

export const MqttTokenQuerySchema = z.object({ ttl: z.coerce.number().int().min(30).max(7 * 24 * 3600).optional() });

export const EventsQueryFormatSchema = z.object({ format: z.enum(["json", "csv"]).default("json") });

/** POST /api/v1/models/{id}/optimize: `model optimize --int8` on the model's latest version. */
export const ModelOptimizeSchema = z
  .object({
    int8: z.literal(true),
    /** A folder of photos on the console host. */
    calibration: z.string().min(1).optional(),
    keepFloat: z.enum(["none", "first", "last", "first-last"]).optional(),
    method: z.enum(["minmax", "percentile", "mse"]).optional(),
  })
  .strict();

export const DeviceTagChangeSchema = z
  .object({ set: z.record(z.string(), z.string()).default({}).describe("key=value tags to set"), remove: z.array(z.string()).default([]).describe("tag keys to remove") })
  .strict();

export const PinInputSchema = z
  .object({ projectId: z.string().min(1).optional().describe("deploy this project (id or name) to the device now"), version: z.number().int().positive().optional().describe("default: the latest") })
  .strict()
  .refine((p) => p.version === undefined || p.projectId !== undefined, { message: "version goes with projectId", path: ["version"] });

/** POST /people/{name}/photos: the raw photo's file name, to name it in errors and lists. */
export const PersonPhotoQuerySchema = z.object({ filename: z.string().trim().min(1).max(255).default("photo") }).strict();
