import { ClipRequestSchema, StreamNameSchema, decodeCommand, formatZodError, type ClipRequest, type Command } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import type { Publisher } from "../mqtt/publisher";
import type { FrameTap } from "../stream/frame-tap";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";

export interface CommandTargets {
  /** One project (`args.projectId`), or every running one. */
  restartProject(projectId?: string): Promise<void>;
  /** Ends the daemon so its supervisor (systemd) starts it again. */
  restartAgent(): void;
  /** Records and sends a clip; reports its own failures (never rejects). */
  clip(request: ClipRequest): Promise<void>;
}

/**
 * `commands` from the console. Each is answered on `logs` (there is no reply topic), with the
 * command id, so the console can match outcome to request.
 */
export class CommandHandler {
  constructor(
    private readonly deviceId: string,
    private readonly targets: CommandTargets,
    private readonly tap: FrameTap,
    private readonly publisher: Publisher,
    private readonly log: Logger,
  ) {}

  /** The raw MQTT payload; invalid ones are logged (INVALID_PAYLOAD) and dropped. */
  handle(payload: Buffer): void {
    const decoded = decodeCommand(payload);
    if (!decoded.ok) {
      this.log.warn(`command ignored: ${decoded.error.message}`, { code: decoded.error.code });
      return;
    }
    void this.run(decoded.value);
  }

  private async run(cmd: Command): Promise<void> {
    const tag = `command ${cmd.cmd} (${cmd.id})`;
    try {
      switch (cmd.cmd) {
        case "restart-project": {
          const projectId = typeof cmd.args?.projectId === "string" ? cmd.args.projectId : undefined;
          await this.targets.restartProject(projectId);
          this.log.info(`${tag}: ${projectId ? `project ${projectId}` : "projects"} restarted`, { commandId: cmd.id });
          return;
        }
        case "snapshot": {
          const stream = StreamNameSchema.safeParse(cmd.args?.stream ?? "project");
          let name = stream.success ? stream.data : "project";
          let frame = await this.tap.latest(name);
          if (!frame && name === "project") {
            // No project runs (or it has no frame yet): the camera's picture, on its own topic.
            name = "device";
            frame = await this.tap.latest(name);
          }
          if (!frame) {
            this.log.warn(`${tag}: no frame to send yet`, { code: "NOT_FOUND", commandId: cmd.id });
            return;
          }
          // QoS 1: a snapshot is asked for once, unlike the preview stream.
          await this.publisher.publish(topics.frames(this.deviceId, name), frame.jpeg, { qos: 1, retain: false });
          this.log.info(`${tag}: ${frame.jpeg.length} bytes sent on frames/${name}`, { commandId: cmd.id, frameSeq: frame.seq });
          return;
        }
        case "clip": {
          const request = ClipRequestSchema.safeParse(cmd.args ?? {});
          if (!request.success) {
            this.log.warn(`${tag} ignored: ${formatZodError(request.error)}`, { code: "INVALID_PAYLOAD", commandId: cmd.id });
            return;
          }
          this.log.info(`${tag}: clip ${request.data.clipId}, ${request.data.pre} s before and ${request.data.post} s after`, { commandId: cmd.id });
          await this.targets.clip(request.data);
          return;
        }
        case "restart-agent":
          this.log.info(`${tag}: restarting the agent`, { commandId: cmd.id });
          this.targets.restartAgent();
          return;
      }
    } catch (err) {
      this.log.error(`${tag} failed: ${describeError(err)}`, { code: "INTERNAL", commandId: cmd.id });
    }
  }
}
