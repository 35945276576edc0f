import net from "node:net";

export interface TcpGate {
  /** The port the client connects to. */
  port: number;
  /** `<scheme>://127.0.0.1:<port>`: mqtt for a device, redis for a broker node. */
  url(scheme?: string): string;
  /** Cuts every open connection and refuses new ones: the network between device and broker is down. */
  close(): void;
  open(): Promise<void>;
  readonly isOpen: boolean;
  /** Connections made through the gate so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

/**
 * A TCP relay on loopback between a client and its server (an agent and the broker, a broker node
 * and Redis). Closing it is a network outage the test controls: both ends stay up while the client
 * is cut off, and it comes back only when the test says so.
 */
export interface TcpGateOptions {
  /**
   * What a connection attempt meets while the gate is closed: `reset`, accepted and closed at once
   * (what the agent tests were written against); `refuse`, nothing listens (ECONNREFUSED). ioredis
   * writes its first commands the moment it connects, and a socket reset under that write once threw
   * EPIPE out of ioredis: a broker node's Redis behind the gate is refused instead.
   */
  whenClosed?: "reset" | "refuse";
}

export async function startTcpGate(targetPort: () => number, options: TcpGateOptions = {}): Promise<TcpGate> {
  const refuse = options.whenClosed === "refuse";
  let isOpen = true;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    if (!isOpen) {
      inbound.destroy();
      return;
    }
    connections += 1;
    const outbound = net.connect(targetPort(), "127.0.0.1");
    sockets.add(inbound);
    sockets.add(outbound);
    const drop = (): void => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on("error", drop).on("close", drop);
    outbound.on("error", drop).on("close", drop);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  const listen = (at: number) => new Promise<void>((resolve, reject) => server.once("error", reject).listen(at, "127.0.0.1", () => resolve()));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const cut = (): void => {
    isOpen = false;
    if (refuse && server.listening) server.close();
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    url: (scheme = "mqtt") => `${scheme}://127.0.0.1:${port}`,
    close: cut,
    async open() {
      isOpen = true;
      if (refuse && !server.listening) await listen(port);
    },
    get isOpen() {
      return isOpen;
    },
    get connections() {
      return connections;
    },
    async stop() {
      isOpen = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
