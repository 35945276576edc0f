import type { Server } from "node:net";
import type { Duplex } from "node:stream";

/**
 * Sockets a server accepted and that are still open. `server.close()` waits for every one of
 * them, and a socket that never sent CONNECT is no aedes client, so aedes.close() does not end
 * it: shutdown destroys what is left here.
 */
export class SocketSet {
  private readonly sockets = new Set<Duplex>();

  track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/**
 * The accept queue asked of the kernel, which caps it at net.core.somaxconn (4096 on current
 * kernels). After a broker restart every device comes back at once; with Node's default of 511
 * the queue overflows, the kernel drops the SYNs, and each device dropped waits 1, 2, 4… s
 * before its SYN is sent again (bench/fleet.ts: the storm of 19,800 devices).
 */
const LISTEN_BACKLOG = 65_535;

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, LISTEN_BACKLOG, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
