import { z } from "zod";
import { ErrorCodes } from "../errors";
import { IdSchema, TimestampSchema } from "./common";

/** Seconds a clip may reach before and after its event (docs/design.md "Clips"). */
export const CLIP_MAX_PRE_S = 60;
export const CLIP_MAX_POST_S = 60;

const seconds = (max: number, def: number) => z.number().min(0).max(max).default(def);

/** Seconds of a clip around its moment: `pre` before, `post` after; together at least 1 s. */
export const ClipSpanSchema = z
  .object({ pre: seconds(CLIP_MAX_PRE_S, 5), post: seconds(CLIP_MAX_POST_S, 5) })
  .refine((s) => s.pre + s.post >= 1, { message: "pre + post must be at least 1 second" });
export type ClipSpan = z.infer<typeof ClipSpanSchema>;

/**
 * `args` of the `clip` command: the device records `pre` s before `at` and `post` s after it from
 * the source of `projectId` (or `source`, a source URI) and uploads the MP4 as clip `clipId`.
 */
export const ClipRequestSchema = z
  .object({
    clipId: IdSchema,
    /** The stored event the clip belongs to (a `clip` rule action), echoed in the upload. */
    eventId: z.number().int().positive().optional(),
    at: TimestampSchema,
    projectId: IdSchema.optional(),
    source: z.string().min(1).max(2048).optional(),
    pre: seconds(CLIP_MAX_PRE_S, 5),
    post: seconds(CLIP_MAX_POST_S, 5),
  })
  .refine((r) => r.pre + r.post >= 1, { message: "pre + post must be at least 1 second" });
export type ClipRequest = z.infer<typeof ClipRequestSchema>;

/**
 * What the device says about a clip, as the JSON header `x-edgelens-clip` of its upload
 * (`POST /api/device/clips`): the MP4 as the body when `ok`, an empty body with `error` otherwise.
 */
export const ClipReportSchema = z.object({
  clipId: IdSchema,
  eventId: z.number().int().positive().optional(),
  projectId: IdSchema.optional(),
  at: TimestampSchema,
  pre: z.number().min(0).max(CLIP_MAX_PRE_S),
  post: z.number().min(0).max(CLIP_MAX_POST_S),
  /** Duration of the MP4 in ms (absent on failure). */
  durationMs: z.number().int().nonnegative().optional(),
  error: z.object({ code: z.enum(ErrorCodes), message: z.string().max(2048) }).optional(),
});
export type ClipReport = z.infer<typeof ClipReportSchema>;

/** The header carrying a ClipReport on a clip upload. */
export const CLIP_REPORT_HEADER = "x-edgelens-clip";
