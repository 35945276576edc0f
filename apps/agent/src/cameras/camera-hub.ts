import { EdgelensError } from "@edgelens/shared/errors";
import type { Camera, ReportedCamera } from "@edgelens/shared/schemas";
import { parseSourceUri, redactSourceUri, type FramePool, type FrameSource, type SourceKind } from "../sources/index";
import type { Logger } from "../telemetry/logger";
import { CameraDecoder, type DecoderOptions } from "./camera-decoder";
import { CameraFeed, type FeedHost } from "./camera-feed";

/** What the deployment manager needs of the cameras: set them (from the desired state) and report them. */
export interface CameraRegistry {
  set(cameras: Camera[]): void;
  status(): ReportedCamera[];
}

/** A project's reading of a camera: its source, and the pool its pipeline gives frames back to. */
export interface CameraReading {
  source: FrameSource;
  framePool: FramePool;
}

/**
 * The agent's own reading of a camera (its clip recording): frames at `fps`, each given back
 * once with `give`. It is not one of the camera's readers in `shadow/reported` (those are projects).
 */
export interface CameraTap {
  source: FrameSource;
  give(data: Uint8Array): void;
}

/** What clip recording needs of the cameras: a camera's URI now, and a tap on its decoded frames. */
export interface CameraTaps {
  uriOf(name: string): string | undefined;
  tap(name: string, fps: number): CameraTap;
}

/** Feeds of the agent's own (not a project's) have this reader id. */
const AGENT_READER = "\u0000agent";

export interface CameraHubOptions extends DecoderOptions {
  log: Logger;
  /** A camera started or stopped running, or its readers changed: `shadow/reported` is due. */
  onChange?: () => void;
  /** The cameras were set (some may be new, changed or gone): clip recordings follow them. */
  onSet?: () => void;
}

function kindOf(uri: string): SourceKind {
  try {
    return parseSourceUri(uri).kind;
  } catch {
    // Its decoder reports why the URI is bad; the kind is only a label.
    return "file";
  }
}

/**
 * The device's named cameras, each decoded once (one CameraDecoder, one ffmpeg for a stream)
 * however many projects read it. Readers are kept by camera name, not by decoder: a camera whose
 * URI changes, or that is removed and comes back, feeds the same readers again.
 */
export class CameraHub implements CameraRegistry, CameraTaps {
  private readonly decoders = new Map<string, CameraDecoder>();
  private readonly readers = new Map<string, Set<CameraFeed>>();

  constructor(private readonly options: CameraHubOptions) {}

  set(cameras: Camera[]): void {
    const wanted = new Map(cameras.map((c) => [c.name, c.uri]));
    for (const [name, decoder] of this.decoders) {
      if (wanted.get(name) === decoder.uri) continue;
      this.decoders.delete(name);
      void decoder.stop();
      if (!wanted.has(name)) {
        this.options.log.info(`camera ${name} removed`, { camera: name });
        const gone = new EdgelensError("CAMERA_NOT_FOUND", `camera ${name} was removed from the device`, { camera: name });
        for (const feed of this.readers.get(name) ?? []) if (feed.listenerCount("error") > 0) feed.emit("error", gone);
      }
    }
    for (const [name, uri] of wanted) {
      if (this.decoders.has(name)) continue;
      this.options.log.info(`camera ${name}: ${redactSourceUri(uri)}`, { camera: name });
      const decoder = new CameraDecoder(name, uri, () => this.readers.get(name) ?? [], this.options, this.options.log, () => this.options.onChange?.());
      this.decoders.set(name, decoder);
      decoder.start();
    }
    this.options.onChange?.();
    this.options.onSet?.();
  }

  /** A source reading camera `name` at `fps` (every frame when absent) for project `projectId`. */
  open(name: string, projectId: string, fps?: number): CameraReading {
    const decoder = this.decoders.get(name);
    if (!decoder) {
      const known = [...this.decoders.keys()];
      throw new EdgelensError("CAMERA_NOT_FOUND", `camera "${name}" is not defined on this device (${known.length > 0 ? `cameras: ${known.join(", ")}` : "it has no cameras"}); add it with \`edgelens device camera add\``, { projectId, camera: name });
    }
    const host: FeedHost = {
      attach: (feed) => this.attach(feed),
      detach: (feed) => this.detach(feed),
    };
    const source = new CameraFeed(host, name, projectId, kindOf(decoder.uri), `camera ${name} (${redactSourceUri(decoder.uri)})`, fps);
    return { source, framePool: decoder.pool };
  }

  uriOf(name: string): string | undefined {
    return this.decoders.get(name)?.uri;
  }

  /**
   * The agent's own reading of camera `name`, at `fps`. As a project's reading, it gives frames
   * back to the pool of the decoder it was opened on: after a URI change the new decoder's buffers
   * are left to the garbage collector rather than put in a pool that may still owe them.
   */
  tap(name: string, fps: number): CameraTap {
    const { source, framePool } = this.open(name, AGENT_READER, fps);
    return { source, give: (data) => framePool.give(data) };
  }

  status(): ReportedCamera[] {
    const projectsOf = (name: string) => [...(this.readers.get(name) ?? [])].map((f) => f.projectId).filter((id) => id !== AGENT_READER);
    return [...this.decoders.values()].map((d) => d.status([...new Set(projectsOf(d.name))]));
  }

  async stop(): Promise<void> {
    const all = [...this.decoders.values()];
    this.decoders.clear();
    await Promise.all(all.map((d) => d.stop()));
  }

  private attach(feed: CameraFeed): void {
    const set = this.readers.get(feed.camera) ?? new Set<CameraFeed>();
    set.add(feed);
    this.readers.set(feed.camera, set);
    this.options.onChange?.();
  }

  private detach(feed: CameraFeed): void {
    const set = this.readers.get(feed.camera);
    if (!set?.delete(feed)) return;
    if (set.size === 0) this.readers.delete(feed.camera);
    this.options.onChange?.();
  }
}
