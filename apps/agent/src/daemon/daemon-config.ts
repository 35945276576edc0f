import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { DeviceFileSchema, formatZodError, type DeviceFile } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";

const ms = (def: number, min = 1, max = 3_600_000) => z.number().int().min(min).max(max).default(def);

/**
 * Everything `run` can be told, with its default. The same shape is accepted as a JSON file
 * (`--config`), every key optional; flags override the file, the file overrides the environment.
 */
export const DaemonConfigSchema = z
  .object({
    deviceFile: z.string().min(1),
    dataDir: z.string().min(1),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** Source of projects whose config names none: the device's camera (e.g. /dev/video0). */
    defaultSource: z.string().min(1).optional(),
    /** ffmpeg binary of the frame sources. */
    ffmpegPath: z.string().min(1).default("/usr/bin/ffmpeg"),
    mqtt: z
      .object({
        keepaliveS: z.number().int().min(5).max(600).default(30),
        connectTimeoutMs: ms(10_000, 500, 120_000),
        backoffMinMs: ms(1_000, 10, 60_000),
        backoffMaxMs: ms(30_000, 100, 600_000),
        /** PEM CA for mqtts:// and wss:// brokers with a private CA. */
        caFile: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    spool: z
      .object({
        maxMessages: z.number().int().min(1).max(100_000_000).default(100_000),
        maxBytes: z.number().int().min(1024).default(256 * 1024 * 1024),
        maxInflight: z.number().int().min(1).max(1000).default(32),
      })
      .strict()
      .prefault({}),
    download: z
      .object({
        attempts: z.number().int().min(1).max(100).default(5),
        retryDelayMs: ms(1_000, 0, 600_000),
        stallTimeoutMs: ms(30_000, 100, 600_000),
        cacheMaxBytes: z.number().int().min(0).default(2 * 1024 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    deploy: z
      .object({
        /** A new project that has not processed a frame by then fails (FUNCTION_TIMEOUT). */
        firstFrameTimeoutMs: ms(60_000, 100, 3_600_000),
        /** onnxruntime threads all projects share (docs/design.md "CPU budget"). */
        cpuThreads: z.number().int().min(1).max(1024).default(() => availableParallelism()),
      })
      .strict()
      .prefault({}),
    telemetry: z.object({ intervalMs: ms(10_000, 100, 3_600_000) }).strict().prefault({}),
    /** A failed source (camera unplugged, stream down) is restarted with this backoff, forever. */
    sources: z
      .object({
        restartBaseMs: ms(500, 10, 600_000),
        restartMaxMs: ms(30_000, 10, 3_600_000),
        /** A live source with no frame for this long is restarted. */
        stallTimeoutMs: ms(15_000, 100, 3_600_000),
      })
      .strict()
      .prefault({}),
    logs: z
      .object({
        level: z.enum(["debug", "info", "warn", "error"]).default("info"),
        ratePerSec: z.number().positive().max(1000).default(5),
        burst: z.number().int().min(1).max(10_000).default(20),
      })
      .strict()
      .prefault({}),
    stream: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8090),
        maxFps: z.number().positive().max(60).default(15),
        previewFps: z.number().positive().max(30).default(5),
        previewMaxMs: ms(600_000, 1000, 86_400_000),
        jpegQuality: z.number().int().min(1).max(100).default(75),
      })
      .strict()
      .prefault({}),
    /** The function sandbox (runtime/launch-worker.ts). */
    functions: z
      .object({
        /** Who functions run as when the agent is root: a user name or uid:gid, never root. */
        user: z.string().min(1).default("nobody"),
        /** Resident memory of a function's sandbox process past which it is killed. */
        maxRssMb: z.number().int().min(128).max(1_048_576).default(1024),
      })
      .strict()
      .prefault({}),
    /** Clips around events (docs/design.md "Clips"): a ring of the last seconds of every source. */
    clips: z
      .object({
        /** Seconds kept per source (the most a clip reaches back); 0: no ring, clips refused. */
        seconds: z.number().int().min(0).max(300).default(10),
        /** Frame rate of the ring when it re-encodes (sources not already H.264). */
        fps: z.number().int().min(1).max(60).default(10),
        /** Clips being made at once; more are refused (RATE_LIMITED). */
        maxPending: z.number().int().min(1).max(64).default(4),
        /** Free disk space below which rings do not start and clips are refused. */
        minFreeBytes: z.number().int().min(0).default(256 * 1024 * 1024),
        /** A larger clip is refused (TOO_LARGE). */
        maxClipBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
        uploadTimeoutMs: ms(60_000, 1000, 600_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type DaemonConfig = z.infer<typeof DaemonConfigSchema>;
export type DaemonConfigInput = z.input<typeof DaemonConfigSchema>;

type Layer = Record<string, unknown>;

/** Deep merge of plain objects, later layers winning; undefined never overrides. */
export function mergeLayers(...layers: Layer[]): Layer {
  const out: Layer = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isPlain(v) && isPlain(prev) ? mergeLayers(prev, v) : v;
    }
  }
  return out;
}

function isPlain(v: unknown): v is Layer {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates the merged layers; a bad value fails with INVALID_CONFIG naming the field. */
export function parseDaemonConfig(...layers: Layer[]): DaemonConfig {
  const parsed = DaemonConfigSchema.safeParse(mergeLayers(...layers));
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `invalid agent config: ${formatZodError(parsed.error)}`);
  if (parsed.data.mqtt.backoffMaxMs < parsed.data.mqtt.backoffMinMs) {
    throw new EdgelensError("INVALID_CONFIG", "invalid agent config: mqtt.backoffMaxMs must be at least mqtt.backoffMinMs");
  }
  return parsed.data;
}

/** Reads a `--config` JSON file (any subset of DaemonConfig). */
export function readConfigFile(path: string): Layer {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new EdgelensError("INVALID_CONFIG", `cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (!isPlain(json)) throw new EdgelensError("INVALID_CONFIG", `config file ${path} must hold a JSON object`);
  return json;
}

/** Reads and validates `edgelens-device.json`; the error names the bad field, never the secret. */
export function readDeviceFile(path: string): DeviceFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new EdgelensError("INVALID_CONFIG", `cannot read device file ${path}: ${(err as Error).message}`);
  }
  const parsed = DeviceFileSchema.safeParse(json);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `invalid device file ${path}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
