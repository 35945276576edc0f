import { z } from "zod";
import { createEnv } from "@edgelens/shared/env";

/**
 * The agent's environment: the only place in the agent that reads `process.env`. Only keys with
 * the `EDGELENS_AGENT_` prefix are the agent's; the schema is strict over those, so a misspelt
 * key fails the start instead of being ignored. Add keys here (the daemon's too).
 */
export const AgentEnvSchema = z.object({
    /** Artifact cache, spool and state of the daemon. */
    EDGELENS_AGENT_DATA_DIR: z.string().min(1).default("./data/agent"),
    /** Address the local stream server (MJPEG preview) binds to. */
    EDGELENS_AGENT_STREAM_HOST: z.string().min(1).default("127.0.0.1"),
    EDGELENS_AGENT_STREAM_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
    EDGELENS_AGENT_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** ffmpeg binary the frame sources spawn. */
    EDGELENS_AGENT_FFMPEG: z.string().min(1).default("/usr/bin/ffmpeg"),
    /** `run`: the device file (edgelens-device.json) when --device-file is not given. */
    EDGELENS_AGENT_DEVICE_FILE: z.string().min(1).optional(),
    /** `run`: a JSON file of daemon settings (see `run --help`), under the flags. */
    EDGELENS_AGENT_CONFIG: z.string().min(1).optional(),
    /** `run`: the source of projects whose config names none, e.g. /dev/video0. */
    EDGELENS_AGENT_DEFAULT_SOURCE: z.string().min(1).optional(),
    /** Who project functions run as when the agent is root: a user name or uid:gid, never root. */
    EDGELENS_AGENT_FUNCTION_USER: z.string().min(1).default("nobody"),
    /** Resident memory (MB) of a function's sandbox process past which it is killed. */
    EDGELENS_AGENT_FUNCTION_MAX_RSS_MB: z.coerce.number().int().min(128).max(1_048_576).default(1024),
    /** `run`: onnxruntime threads the device's projects share (default: the CPUs, os.availableParallelism()). */
    EDGELENS_AGENT_CPU_THREADS: z.coerce.number().int().min(1).max(1024).optional(),
    /** `run`: seconds of video kept per source for clips around events (0: none). */
    EDGELENS_AGENT_CLIP_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
});
export type AgentEnv = z.infer<typeof AgentEnvSchema>;

/** Keys with the `EDGELENS_AGENT_` prefix are the agent's: an unknown one is refused. */
const readAgentEnv = createEnv({ part: "agent", shared: [], own: AgentEnvSchema.shape, ownPattern: /^EDGELENS_AGENT_/ });

/** Validates the agent's keys of `source`; throws INVALID_CONFIG naming each bad field. */
export function parseAgentEnv(source: Record<string, string | undefined>): AgentEnv {
  return readAgentEnv(source);
}

let cached: AgentEnv | undefined;

/** The process environment, validated once. */
export function agentEnv(): AgentEnv {
  cached ??= parseAgentEnv(process.env);
  return cached;
}
