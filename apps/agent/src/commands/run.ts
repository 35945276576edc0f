import type { Command } from "commander";
import { EdgelensError } from "@edgelens/shared/errors";
import { parseDaemonConfig, readConfigFile, type DaemonConfig } from "../daemon/daemon-config";
import type { AgentEnv } from "../env";
import { positiveInt, positiveNumber } from "./option-parsers";
import { runAction } from "./report-error";

interface RunFlags {
  deviceFile?: string;
  dataDir?: string;
  config?: string;
  streamHost?: string;
  streamPort?: number;
  stream: boolean;
  defaultSource?: string;
  telemetryInterval?: number;
  spoolMax?: number;
  spoolMaxMb?: number;
  logLevel?: string;
}

/** Exit status asking the service manager for a restart (`restart-agent` command); EX_TEMPFAIL. */
export const EXIT_RESTART = 75;

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new EdgelensError("INVALID_CONFIG", `--stream-port must be 0..65535, got "${value}"`);
  return n;
}

/** Environment < --config file < flags; the result is validated as a whole. */
function buildConfig(flags: RunFlags, env: AgentEnv): DaemonConfig {
  const fromEnv = {
    dataDir: env.EDGELENS_AGENT_DATA_DIR,
    deviceFile: env.EDGELENS_AGENT_DEVICE_FILE,
    logLevel: env.EDGELENS_AGENT_LOG_LEVEL,
    ffmpegPath: env.EDGELENS_AGENT_FFMPEG,
    defaultSource: env.EDGELENS_AGENT_DEFAULT_SOURCE,
    stream: { host: env.EDGELENS_AGENT_STREAM_HOST, port: env.EDGELENS_AGENT_STREAM_PORT },
    functions: { user: env.EDGELENS_AGENT_FUNCTION_USER, maxRssMb: env.EDGELENS_AGENT_FUNCTION_MAX_RSS_MB },
    deploy: { cpuThreads: env.EDGELENS_AGENT_CPU_THREADS },
    clips: { seconds: env.EDGELENS_AGENT_CLIP_SECONDS },
  };
  const configPath = flags.config ?? env.EDGELENS_AGENT_CONFIG;
  const fromFile = configPath ? readConfigFile(configPath) : {};
  const fromFlags = {
    deviceFile: flags.deviceFile,
    dataDir: flags.dataDir,
    logLevel: flags.logLevel,
    defaultSource: flags.defaultSource,
    stream: { host: flags.streamHost, port: flags.streamPort, ...(flags.stream ? {} : { enabled: false }) },
    telemetry: { intervalMs: flags.telemetryInterval !== undefined ? Math.round(flags.telemetryInterval * 1000) : undefined },
    spool: { maxMessages: flags.spoolMax, maxBytes: flags.spoolMaxMb !== undefined ? Math.round(flags.spoolMaxMb * 1024 * 1024) : undefined },
  };
  if (!fromFlags.deviceFile && !fromEnv.deviceFile && typeof fromFile.deviceFile !== "string") {
    throw new EdgelensError("INVALID_CONFIG", "no device file: pass --device-file edgelens-device.json (or set EDGELENS_AGENT_DEVICE_FILE)");
  }
  return parseDaemonConfig(fromEnv, fromFile, fromFlags);
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description(
      "The device daemon: connects to the broker as the device, runs what the console deploys (shadow/desired), " +
        "publishes results through a durable spool, telemetry and logs, and serves the local MJPEG streams. " +
        "Prints one JSON line on stdout when started (`{\"event\":\"started\",...}`); logs go to stderr as JSON lines.",
    )
    .option("--device-file <path>", "edgelens-device.json from the console (env EDGELENS_AGENT_DEVICE_FILE)")
    .option("--data-dir <dir>", "artifact cache, spool and state (env EDGELENS_AGENT_DATA_DIR, default ./data/agent)")
    .option("--config <file.json>", "daemon settings as JSON, any subset (env EDGELENS_AGENT_CONFIG); flags win over it")
    .option("--stream-host <addr>", "bind address of the stream server (default 127.0.0.1: loopback only)")
    .option("--stream-port <port>", "port of the stream server (default 8090; 0 picks a free one)", portNumber)
    .option("--no-stream", "no local stream server")
    .option("--default-source <uri>", "source for projects whose config names none, e.g. /dev/video0 or rtsp://...")
    .option("--telemetry-interval <seconds>", "telemetry period (default 10)", positiveNumber)
    .option("--spool-max <messages>", "most results kept while offline; the oldest go first (default 100000)", positiveInt)
    .option("--spool-max-mb <mb>", "most spooled bytes (default 256)", positiveNumber)
    .option("--log-level <level>", "debug, info, warn or error (env EDGELENS_AGENT_LOG_LEVEL)")
    .addHelpText(
      "after",
      [
        "",
        "Config file keys (all optional; defaults in brackets):",
        "  mqtt: keepaliveS [30], connectTimeoutMs [10000], backoffMinMs [1000], backoffMaxMs [30000], caFile",
        "  spool: maxMessages [100000], maxBytes [268435456], maxInflight [32]",
        "  download: attempts [5], retryDelayMs [1000], stallTimeoutMs [30000], cacheMaxBytes [2 GiB]",
        "  deploy: firstFrameTimeoutMs [60000], cpuThreads [the CPUs]      telemetry: intervalMs [10000]",
        "  sources: restartBaseMs [500], restartMaxMs [30000], stallTimeoutMs [15000]",
        "  logs: level [info], ratePerSec [5], burst [20]",
        "  stream: enabled [true], host [127.0.0.1], port [8090], maxFps [15], previewFps [5], previewMaxMs [600000], jpegQuality [75]",
        "  clips: seconds [10], fps [10], maxPending [4], minFreeBytes [256 MiB], maxClipBytes [64 MiB], uploadTimeoutMs [60000]",
        "  defaultSource, ffmpegPath [/usr/bin/ffmpeg], logLevel [info]",
        "",
        "Example:",
        "  pnpm -s agent run --device-file ./edgelens-device.json --data-dir /var/lib/edgelens-agent",
        "  curl -s http://127.0.0.1:8090/healthz   # then open /stream/project.mjpg in a browser",
        "",
      ].join("\n"),
    )
    .action(
      runAction(async (flags: RunFlags) => {
        // Loaded here so that --help and the other commands start without onnxruntime and sharp.
        const [{ AGENT_VERSION, startDaemon }, { agentEnv }] = await Promise.all([import("../daemon/main"), import("../env")]);
        const config = buildConfig(flags, agentEnv());
        let exitCode = 0;
        let stopping = false;
        const daemon = await startDaemon(config, {
          onRestartRequested: () => {
            exitCode = EXIT_RESTART;
            void shutdown("restart-agent");
          },
        });
        const shutdown = async (why: string): Promise<void> => {
          if (stopping) return;
          stopping = true;
          daemon.log.info(`stopping (${why})`);
          await daemon.stop();
          process.stdout.write(`${JSON.stringify({ event: "stopped", deviceId: daemon.deviceId, reason: why })}\n`);
          process.exit(exitCode);
        };
        process.on("SIGTERM", () => void shutdown("SIGTERM"));
        process.on("SIGINT", () => void shutdown("SIGINT"));
        process.stdout.write(
          `${JSON.stringify({ event: "started", deviceId: daemon.deviceId, agentVersion: AGENT_VERSION, dataDir: config.dataDir, stream: daemon.streamUrl, pid: process.pid })}\n`,
        );
        // The daemon runs until a signal: its timers and sockets keep the process alive.
      }),
    );
}
