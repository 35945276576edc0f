import net from "node:net";

export interface TcpGate {
  /** The port the device connects to. */
  port: number;
  url: string;
  /** Cuts every open connection and refuses new ones: the network between device and broker is down. */
  close(): void;
  open(): void;
  readonly isOpen: boolean;
  /** Connections made through the gate so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

/**
 * A TCP relay on loopback between the agent and the broker. Closing it is a network outage the
 * test controls: the broker and the test's own observer stay up while the device is cut off, and
 * the device comes back only when the test says so.
 */
export async function startTcpGate(targetPort: () => number): Promise<TcpGate> {
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = (): void => {
    isOpen = false;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    close: cut,
    open() {
      isOpen = true;
    },
    get isOpen() {
      return isOpen;
    },
    get connections() {
      return connections;
    },
    async stop() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
