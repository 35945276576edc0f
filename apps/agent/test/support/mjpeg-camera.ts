import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface MjpegCamera {
  /** `http://127.0.0.1:<port>/video`: a project's `config.source`. */
  url: string;
  /** Frames served so far. */
  readonly frames: number;
  /** Unplugs it: every viewer is cut off and the port refuses connections. */
  stop(): Promise<void>;
  /** Plugs it in again on the same port. */
  start(): Promise<void>;
}

/** An IP camera on loopback: `multipart/x-mixed-replace` of one real JPEG, at `fps`. */
export async function startMjpegCamera(jpeg: Buffer, fps = 10): Promise<MjpegCamera> {
  let server: Server | undefined;
  let port = 0;
  let frames = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const serve = (res: ServerResponse): void => {
    res.writeHead(200, { "content-type": "multipart/x-mixed-replace; boundary=frame", "cache-control": "no-store" });
    const timer = setInterval(() => {
      frames += 1;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write("\r\n");
    }, Math.round(1000 / fps));
    timers.add(timer);
    res.on("close", () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };
  const start = async (): Promise<void> => {
    const s = createServer((_req, res) => serve(res));
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}/video`,
    get frames() {
      return frames;
    },
    start,
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
  };
}
