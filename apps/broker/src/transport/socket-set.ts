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

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
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
