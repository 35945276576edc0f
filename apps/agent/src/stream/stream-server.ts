import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EdgelensError } from "@edgelens/shared";
import { StreamNameSchema, type StreamName } from "@edgelens/shared/schemas";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";
import type { FrameTap } from "./frame-tap";
import { serveMjpeg } from "./mjpeg";

export interface StreamServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  maxFps: number;
  tap: FrameTap;
  /** The body of `/healthz`. */
  health: () => Record<string, unknown>;
  log: Logger;
}

const ROUTES: Record<string, StreamName> = { "/stream/device.mjpg": "device", "/stream/project.mjpg": "project" };

/**
 * The device's local HTTP view: MJPEG of the camera and of the project, a JPEG snapshot, and a
 * health probe. Loopback by default; it has no authentication, so binding it elsewhere puts
 * the camera on that network.
 */
export class StreamServer {
  private server: Server | null = null;
  private boundPort = 0;

  constructor(private readonly options: StreamServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) => {
        // Another program (often a second agent on the same box) has the port: say which setting moves it.
        if (err.code === "EADDRINUSE" || err.code === "EACCES") {
          const why = err.code === "EADDRINUSE" ? "is in use" : "may not be bound by this user";
          reject(new EdgelensError("INVALID_CONFIG", `stream server: ${this.options.host}:${this.options.port} ${why}; set --stream-port (EDGELENS_AGENT_STREAM_PORT, 0 picks a free one) or --no-stream`, {}, { cause: err }));
        } else reject(err);
      });
      server.listen(this.options.port, this.options.host, () => {
        server.removeAllListeners("error");
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.options.log.info(`stream server on ${this.url} (/stream/device.mjpg, /stream/project.mjpg, /snapshot.jpg, /healthz)`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://device");
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    const stream = ROUTES[url.pathname];
    if (stream) {
      serveMjpeg(res, this.options.tap, stream, {
        maxFps: this.options.maxFps,
        onError: (err) => this.options.log.warn(`mjpeg ${stream}: ${describeError(err)}`, { code: "INTERNAL" }),
      });
      return;
    }
    if (url.pathname === "/snapshot.jpg") {
      void this.snapshot(url, res);
      return;
    }
    if (url.pathname === "/healthz") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(this.options.health()));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: "NOT_FOUND", path: url.pathname }));
  }

  /** `?stream=device|project`; without it the project's frame, else the camera's. */
  private async snapshot(url: URL, res: ServerResponse): Promise<void> {
    const asked = url.searchParams.get("stream");
    const parsed = asked === null ? null : StreamNameSchema.safeParse(asked);
    if (parsed && !parsed.success) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ code: "INVALID_PAYLOAD", message: "stream must be device or project" }));
      return;
    }
    try {
      const frame = parsed?.data ? await this.options.tap.latest(parsed.data) : ((await this.options.tap.latest("project")) ?? (await this.options.tap.latest("device")));
      if (!frame) {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "1" }).end(JSON.stringify({ code: "NOT_FOUND", message: "no frame yet" }));
        return;
      }
      res.writeHead(200, { "content-type": "image/jpeg", "content-length": frame.jpeg.length, "cache-control": "no-store", "x-frame-seq": String(frame.seq) }).end(frame.jpeg);
    } catch (err) {
      this.options.log.warn(`snapshot failed: ${describeError(err)}`, { code: "INTERNAL" });
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ code: "INTERNAL", message: describeError(err) }));
    }
  }
}
