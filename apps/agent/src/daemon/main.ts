import { join } from "node:path";
import { decodeDesiredState, decodeStreamRequest } from "@edgelens/shared/schemas";
import type { EdgelensError } from "@edgelens/shared/errors";
import { topics } from "@edgelens/shared/topics";
import { CameraHub } from "../cameras/camera-hub";
import { ArtifactCache } from "../deploy/artifact-cache";
import { ArtifactDownloader } from "../deploy/artifact-downloader";
import { DeployStateStore } from "../deploy/deploy-state-store";
import { DeploymentManager } from "../deploy/deployment-manager";
import { MqttLink } from "../mqtt/mqtt-link";
import { Spool } from "../spool/spool";
import { SpoolDrainer } from "../spool/spool-drainer";
import { PreviewPublisher } from "../stream/preview-publisher";
import { StreamServer } from "../stream/stream-server";
import { LogPublisher } from "../telemetry/log-publisher";
import { createLogger, describeError, jsonLineSink, type LogSink, type Logger } from "../telemetry/logger";
import { TelemetryReporter } from "../telemetry/telemetry-reporter";
import { ClipRecorders } from "../clips/clip-recorders";
import { ClipService } from "../clips/clip-service";
import { ClipUploader } from "../clips/clip-uploader";
import { RecordingHost } from "../clips/recording-host";
import { CommandHandler } from "./command-handler";
import { readDeviceFile, type DaemonConfig } from "./daemon-config";
import { lockDataDir } from "./data-dir-lock";
import { ProjectSupervisor } from "./project-supervisor";
import { ResultPublisher } from "./result-publisher";
import { StateReporter } from "./state-reporter";

export const AGENT_VERSION = "0.1.0";

export interface DaemonOptions {
  /** Where local log lines go (stderr in the CLI). */
  writeLog?: (line: string) => void;
  /** Called when a `restart-agent` command asks the process to end. */
  onRestartRequested?: () => void;
}

export interface Daemon {
  deviceId: string;
  log: Logger;
  link: MqttLink;
  spool: Spool;
  manager: DeploymentManager;
  supervisor: ProjectSupervisor;
  /** `http://host:port` of the stream server, or null when disabled. */
  streamUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Wires the daemon: MQTT link -> spool drainer; desired state (either version) -> deployment
 * manager -> project supervisor (a slot per project: runtime worker + pipeline) -> result
 * publisher -> spool; telemetry, logs,
 * commands, local stream server and preview frames.
 */
export async function startDaemon(config: DaemonConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const device = readDeviceFile(config.deviceFile);
  const write = options.writeLog ?? ((line: string) => process.stderr.write(line));
  const sinks: LogSink[] = [jsonLineSink(write)];
  const log = createLogger({ level: config.logLevel, sinks }, { deviceId: device.deviceId });
  const releaseLock = lockDataDir(config.dataDir);
  const cleanups: (() => unknown)[] = [releaseLock];
  try {
    const spool = Spool.open({
      path: join(config.dataDir, "spool.db"),
      maxMessages: config.spool.maxMessages,
      maxBytes: config.spool.maxBytes,
      onDrop: (n, total) => log.warn(`spool full: ${n} oldest message(s) dropped (${total} in all)`, { code: "TOO_LARGE" }),
    });
    cleanups.push(() => spool.close());
    const link = new MqttLink({
      brokerUrl: device.brokerUrl,
      deviceId: device.deviceId,
      secret: device.secret,
      agentVersion: AGENT_VERSION,
      keepaliveS: config.mqtt.keepaliveS,
      connectTimeoutMs: config.mqtt.connectTimeoutMs,
      backoff: { minMs: config.mqtt.backoffMinMs, maxMs: config.mqtt.backoffMaxMs, jitter: 0.2 },
      ...(config.mqtt.caFile ? { caFile: config.mqtt.caFile } : {}),
      log,
    });
    const logPublisher = new LogPublisher(link, link, { deviceId: device.deviceId, level: config.logs.level, ratePerSec: config.logs.ratePerSec, burst: config.logs.burst });
    sinks.push(logPublisher.sink);
    const drainer = new SpoolDrainer(spool, link, link, {
      maxInflight: config.spool.maxInflight,
      onError: (err, msg) => log.warn(`spooled message ${msg.id} not delivered yet: ${describeError(err)}`),
    });
    const kick = (): void => drainer.kick();
    const results = new ResultPublisher(device.deviceId, spool, kick);

    // Set once the manager exists: a camera starting, failing or gaining a reader is reported at once.
    let reportCameras: () => void = () => undefined;
    // Set once the clip recordings exist: they follow the cameras.
    let camerasSet: () => void = () => undefined;
    const cameras = new CameraHub({
      log,
      ffmpegPath: config.ffmpegPath,
      backoff: { baseMs: config.sources.restartBaseMs, maxMs: config.sources.restartMaxMs },
      stallTimeoutMs: config.sources.stallTimeoutMs,
      onChange: () => reportCameras(),
      onSet: () => camerasSet(),
    });
    cleanups.push(() => cameras.stop());

    // Set once the manager exists: the supervisor reports a degraded project to it.
    let onDegraded: (deploymentId: string, err: EdgelensError) => void = () => undefined;
    // Set once the clip service exists (it needs the supervisor): functions' ctx.clip calls.
    let clipService: ClipService | null = null;
    const supervisor = new ProjectSupervisor({
      log,
      onDegraded: (spec, err) => onDegraded(spec.deploymentId, err),
      firstFrameTimeoutMs: config.deploy.firstFrameTimeoutMs,
      jpegQuality: config.stream.jpegQuality,
      ffmpegPath: config.ffmpegPath,
      sandbox: { user: config.functions.user, maxRssMb: config.functions.maxRssMb },
      cameras,
      sourceOptions: { backoff: { baseMs: config.sources.restartBaseMs, maxMs: config.sources.restartMaxMs }, stallTimeoutMs: config.sources.stallTimeoutMs },
      ...(config.defaultSource ? { defaultSource: config.defaultSource } : {}),
      onClips: (asked, meta) => {
        for (const a of asked) void clipService?.handle({ ...a, at: meta.frame.ts, projectId: meta.projectId });
      },
      onResult: (r) => {
        try {
          results.publish(r.output, r.meta);
        } catch (err) {
          log.error(`result dropped: ${describeError(err)}`, { code: "FUNCTION_FAILED", projectId: r.meta.projectId, deploymentId: r.meta.deploymentId });
        }
      },
    });
    cleanups.push(() => supervisor.stop());

    const reporter = new StateReporter(device.deviceId, spool, kick, link, link, log);
    cleanups.push(() => reporter.close());
    const downloader = new ArtifactDownloader(
      new ArtifactCache(join(config.dataDir, "cache")),
      { deviceId: device.deviceId, secret: device.secret, consoleUrl: device.consoleUrl },
      { attempts: config.download.attempts, retryDelayMs: config.download.retryDelayMs, stallTimeoutMs: config.download.stallTimeoutMs },
    );
    const recorders = new ClipRecorders({
      ffmpegPath: config.ffmpegPath,
      dir: join(config.dataDir, "clips"),
      seconds: config.clips.seconds,
      fps: config.clips.fps,
      maxPending: config.clips.maxPending,
      minFreeBytes: config.clips.minFreeBytes,
      maxClipBytes: config.clips.maxClipBytes,
      onError: (err) => log.warn(err.message, { code: err.code }),
      cameras,
    });
    // clips.seconds 0: no ring, and clip requests are answered "the device records no source".
    const host = config.clips.seconds > 0 ? new RecordingHost(supervisor, recorders, config.defaultSource, log) : null;
    camerasSet = () => {
      host?.camerasChanged().catch((err: unknown) => log.warn(`clip recordings did not follow the cameras: ${describeError(err)}`, { code: "INTERNAL" }));
    };
    cleanups.push(() => (host ? host.stop() : recorders.stopAll()));
    const clips = new ClipService(
      recorders,
      (projectId) => (host ? host.sourceOf(projectId) : null),
      new ClipUploader({ deviceId: device.deviceId, secret: device.secret, consoleUrl: device.consoleUrl }, config.clips.uploadTimeoutMs),
      log,
    );
    clipService = clips;
    const manager = new DeploymentManager({
      downloader,
      host: host ?? supervisor,
      reporter,
      store: new DeployStateStore(join(config.dataDir, "deploy-state.json")),
      log,
      agentVersion: AGENT_VERSION,
      cacheMaxBytes: config.download.cacheMaxBytes,
      cpuThreads: config.deploy.cpuThreads,
      cameras,
    });
    let reportDue = false;
    reportCameras = () => {
      if (reportDue) return;
      reportDue = true;
      // Several changes in one turn (a desired state setting every camera) make one report.
      queueMicrotask(() => {
        reportDue = false;
        reporter.reported(manager.state());
      });
    };
    onDegraded = (id, err) => manager.degrade(id, err);
    cleanups.push(() => manager.stop());

    const telemetry = new TelemetryReporter(link, link, {
      deviceId: device.deviceId,
      intervalMs: config.telemetry.intervalMs,
      figures: () => supervisor.figures(),
      projectFigures: () => supervisor.projectFigures(),
      spoolDepth: () => spool.depth(),
      // Per-project fps and latency in shadow/reported stay as fresh as telemetry.
      onSample: () => manager.refreshReported(),
      log,
    });
    cleanups.push(() => telemetry.stop());

    const preview = new PreviewPublisher(supervisor, link, link, {
      deviceId: device.deviceId,
      defaultFps: config.stream.previewFps,
      maxDurationMs: config.stream.previewMaxMs,
      log,
    });
    cleanups.push(() => preview.stop());

    let streamServer: StreamServer | null = null;
    if (config.stream.enabled) {
      streamServer = new StreamServer({
        host: config.stream.host,
        port: config.stream.port,
        maxFps: config.stream.maxFps,
        tap: supervisor,
        log,
        health: () => ({
          ok: true,
          deviceId: device.deviceId,
          agentVersion: AGENT_VERSION,
          connected: link.connected,
          reported: manager.state(),
          project: supervisor.describe().at(-1) ?? null,
          projects: supervisor.describe(),
          cameras: cameras.status(),
          spoolDepth: spool.depth(),
          spoolDropped: spool.droppedTotal(),
          clips: recorders.describe(),
          telemetry: telemetry.last(),
          uptimeS: Math.round(process.uptime()),
        }),
      });
      await streamServer.start();
      const srv = streamServer;
      cleanups.push(() => srv.stop());
    }

    const commands = new CommandHandler(
      device.deviceId,
      {
        restartProject: (projectId) => supervisor.restart(projectId),
        restartAgent: () => options.onRestartRequested?.(),
        clip: (request) => clips.handle(request),
      },
      supervisor,
      link,
      log,
    );

    link.subscribe(topics.shadowDesired(device.deviceId), 1, (payload) => {
      // An empty retained message clears the topic: nothing is asked of the device.
      if (payload.length === 0) return;
      const decoded = decodeDesiredState(payload);
      if (!decoded.ok) {
        log.warn(`shadow/desired ignored: ${decoded.error.message}`, { code: decoded.error.code });
        return;
      }
      manager.submit(decoded.value);
    });
    link.subscribe(topics.commands(device.deviceId), 1, (payload) => commands.handle(payload));
    link.subscribe(topics.streamRequest(device.deviceId), 0, (payload) => {
      const decoded = decodeStreamRequest(payload);
      if (!decoded.ok) {
        log.warn(`stream/request ignored: ${decoded.error.message}`, { code: decoded.error.code });
        return;
      }
      preview.request(decoded.value);
    });

    log.info(`agent ${AGENT_VERSION} starting for device ${device.deviceId} (data dir ${config.dataDir}, spool depth ${spool.depth()})`);
    link.start();
    telemetry.start();
    // The last good project runs from the cache whether or not the broker is there.
    await manager.resume();

    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        log.info("agent stopping");
        drainer.stop();
        await link.stop();
        for (const c of cleanups.reverse()) {
          try {
            await c();
          } catch (err) {
            log.warn(`cleanup failed: ${describeError(err)}`);
          }
        }
      })());

    return { deviceId: device.deviceId, log, link, spool, manager, supervisor, streamUrl: streamServer?.url ?? null, stop };
  } catch (err) {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (cleanupErr) {
        // The start error is the one thrown; this one is only logged.
        log.warn(`cleanup after a failed start: ${describeError(cleanupErr)}`);
      }
    }
    throw err;
  }
}
