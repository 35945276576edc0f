import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common";

/** A camera's name on its device: lower-case, safe in a URI host and a URL path. */
export const CameraNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "camera name must be 1-63 chars of a-z, 0-9, '_' and '-', starting with a letter or digit");

const CAMERA_SCHEMES = ["file", "dir", "rtsp", "rtsps", "http", "https", "v4l2", "testsrc"];

/**
 * Where a camera's frames come from: a source URI as a project's `config.source` takes (a path,
 * file://, dir://, rtsp(s)://, http(s):// MJPEG, v4l2://, testsrc://), but not camera:// itself.
 * The agent parses it fully; this only refuses what no agent can open.
 */
export const CameraUriSchema = z
  .string()
  .trim()
  .min(1, "camera URI is empty")
  .max(2048)
  .refine((uri) => ![...uri].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), "camera URI may not contain control characters")
  .refine((uri) => {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
    return scheme === undefined || CAMERA_SCHEMES.includes(scheme);
  }, `camera URI scheme must be one of ${CAMERA_SCHEMES.map((s) => `${s}://`).join(", ")} (or a path)`);

/** One camera of a device, as the console stores it and `shadow/desired.cameras` carries it. */
export const CameraSchema = z.object({ name: CameraNameSchema, uri: CameraUriSchema });
export type Camera = z.infer<typeof CameraSchema>;

export const CamerasSchema = z
  .array(CameraSchema)
  .max(32)
  .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, "a camera name may appear once");

/** A source URI with any password replaced, safe for logs, errors and lists. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+):[^@/]*@/i, "$1:***@");
}

/** The camera a project source names (`camera://door` -> "door"), or null for any other source. */
export function cameraNameOf(source: string | undefined): string | null {
  const match = /^camera:\/\/([^/?#]*)\/?$/i.exec(source?.trim() ?? "");
  return match ? (match[1] ?? "") : null;
}

/** One entry of `shadow/reported.cameras`: a camera's decoder now. */
export const ReportedCameraSchema = z.object({
  name: CameraNameSchema,
  /** The URI with any password hidden. */
  uri: z.string(),
  /** starting: no frame yet; running: frames come; failing: its last run failed, a restart is due. */
  state: z.enum(["starting", "running", "failing"]),
  fps: z.number().nonnegative().describe("frames decoded per second over the last few seconds"),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  restarts: z.number().int().nonnegative().describe("decoder restarts since the camera was set up"),
  /** Projects reading it now. */
  readers: z.array(IdSchema).max(64),
  lastError: z.object({ code: z.string(), message: z.string().max(4096), ts: TimestampSchema }).nullable(),
});
export type ReportedCamera = z.infer<typeof ReportedCameraSchema>;
