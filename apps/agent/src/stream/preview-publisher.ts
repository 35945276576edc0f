import { topics } from "@edgelens/shared/topics";
import type { StreamName, StreamRequest } from "@edgelens/shared/schemas";
import type { LinkState, Publisher } from "../mqtt/publisher";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { FrameTap } from "./frame-tap";

export interface PreviewPublisherOptions {
  deviceId: string;
  defaultFps: number;
  /** A request's `until` is cut to now + this, so a lost "stop" cannot stream forever. */
  maxDurationMs: number;
  log: Logger;
  now?: () => number;
}

interface Active {
  until: number;
  fps: number;
  timer: NodeJS.Timeout;
  lastSeq: number;
  busy: boolean;
}

/**
 * Answers `stream/request`: JPEG bytes of the asked stream on `frames/{stream}` (QoS 0), at the
 * asked rate (default 5 fps), only while connected and only until the request's `until`. A new
 * request for the same stream replaces the old one (a console keeps one alive by repeating it).
 */
export class PreviewPublisher {
  private readonly active = new Map<StreamName, Active>();
  private readonly now: () => number;

  constructor(
    private readonly tap: FrameTap,
    private readonly publisher: Publisher,
    private readonly link: LinkState,
    private readonly options: PreviewPublisherOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  request(req: StreamRequest): void {
    const until = Math.min(req.until, this.now() + this.options.maxDurationMs);
    const fps = req.fps ?? this.options.defaultFps;
    const prev = this.active.get(req.stream);
    if (prev) clearInterval(prev.timer);
    if (until <= this.now()) {
      this.active.delete(req.stream);
      return;
    }
    const entry: Active = { until, fps, lastSeq: -1, busy: false, timer: setInterval(() => void this.tick(req.stream), Math.round(1000 / fps)) };
    this.active.set(req.stream, entry);
    if (!prev) this.options.log.info(`preview of ${req.stream} requested at ${fps} fps until ${new Date(until).toISOString()}`);
    void this.tick(req.stream);
  }

  activeStreams(): StreamName[] {
    return [...this.active.keys()];
  }

  stop(): void {
    for (const a of this.active.values()) clearInterval(a.timer);
    this.active.clear();
  }

  private async tick(stream: StreamName): Promise<void> {
    const a = this.active.get(stream);
    if (!a) return;
    if (this.now() >= a.until) {
      clearInterval(a.timer);
      this.active.delete(stream);
      this.options.log.info(`preview of ${stream} ended`);
      return;
    }
    if (a.busy || !this.link.connected) return;
    a.busy = true;
    try {
      const frame = await this.tap.latest(stream);
      if (!frame || frame.seq === a.lastSeq) return;
      a.lastSeq = frame.seq;
      await this.publisher.publish(topics.frames(this.options.deviceId, stream), frame.jpeg, { qos: 0, retain: false });
    } catch (err) {
      this.options.log.warn(`preview frame of ${stream} not sent: ${describeError(err)}`, { code: "INTERNAL" });
    } finally {
      a.busy = false;
    }
  }
}
