import { z } from "zod";
import { BoxSchema, DeviceIdSchema, IdSchema, TimestampSchema } from "./common";

const LabelSchema = z.string().min(1).max(64);

export const DetectionSchema = z.object({
  label: LabelSchema,
  classId: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
  box: BoxSchema,
  trackId: z.number().int().nonnegative().optional(),
  /** Seconds a tracked object has been in each zone it is in now (docs/design.md "Zones"). */
  dwell: z.record(z.string(), z.number().nonnegative()).optional(),
});
export type Detection = z.infer<typeof DetectionSchema>;

export const KeypointSchema = z.object({
  name: z.string().min(1),
  x: z.number(),
  y: z.number(),
  score: z.number().min(0).max(1),
});
export type Keypoint = z.infer<typeof KeypointSchema>;

export const PoseSchema = z.object({
  score: z.number().min(0).max(1),
  keypoints: z.array(KeypointSchema),
});
export type Pose = z.infer<typeof PoseSchema>;

export const TextRegionSchema = z.object({
  box: BoxSchema,
  polygon: z.array(z.tuple([z.number(), z.number()])).optional(),
  text: z.string().optional(),
  score: z.number().min(0).max(1),
});
export type TextRegion = z.infer<typeof TextRegionSchema>;

/**
 * A face of the face-recognition and head-pose samples (issue 19): each project fills the fields it
 * knows. Angles in degrees: yaw > 0 turned to the picture's right, pitch > 0 up, roll > 0 clockwise.
 */
export const FaceSchema = z.object({
  box: BoxSchema,
  name: z.string().min(1).max(64).nullable().optional(),
  distance: z.number().nonnegative().optional(),
  age: z.number().nonnegative().optional(),
  gender: z.string().min(1).max(16).optional(),
  yaw: z.number().min(-180).max(180).optional(),
  pitch: z.number().min(-90).max(90).optional(),
  roll: z.number().min(-180).max(180).optional(),
});
export type Face = z.infer<typeof FaceSchema>;

export const ClassLabelSchema = z.object({ label: LabelSchema, score: z.number().min(0).max(1) });

/** What a project function may return for one frame (the device adds ids, seq, ts, timings). */
export const FunctionOutputSchema = z.object({
  detections: z.array(DetectionSchema).optional(),
  poses: z.array(PoseSchema).optional(),
  texts: z.array(TextRegionSchema).optional(),
  faces: z.array(FaceSchema).optional(),
  labels: z.array(ClassLabelSchema).optional(),
  counts: z.record(z.string(), z.number()).optional(),
  /** Per zone of the config, detections per label in it this frame: `{"door": {"person": 2}}`. */
  zones: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type FunctionOutput = z.infer<typeof FunctionOutputSchema>;

/** docs/design.md "Inference results". `seq` rises by one per published result of a deployment. */
export const InferenceResultSchema = FunctionOutputSchema.extend({
  deviceId: DeviceIdSchema,
  projectId: IdSchema,
  deploymentId: IdSchema.optional(),
  seq: z.number().int().nonnegative(),
  ts: TimestampSchema,
  frame: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  latencyMs: z.object({ total: z.number().nonnegative(), inference: z.number().nonnegative() }),
});
export type InferenceResult = z.infer<typeof InferenceResultSchema>;
