import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { createWebSocketStream, WebSocketServer } from "ws";
import { EdgelensError } from "@edgelens/shared/errors";
import type { BrokerConfig } from "../config";
import { readProxyHeader, setProxiedAddress, type ProxyProtocolPolicy } from "./proxy-protocol";
import { closeServer, listen, SocketSet } from "./socket-set";

/** Hands a new connection to aedes (and installs the per-connection guards). */
export type ConnectionHandler = (stream: Duplex, req?: IncomingMessage) => void;

export interface Listeners {
  mqttPort: number;
  wsPort: number;
  tlsPort: number | null;
  /** Stops accepting; open connections are left to aedes.close(). */
  stopAccepting(): void;
  /** Destroys whatever is still open and waits for the servers to close. */
  close(): Promise<void>;
}

function readPem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new EdgelensError("INVALID_CONFIG", `${field}: cannot read ${path}: ${(err as Error).message}`, { field }, { cause: err });
  }
}

/** `ip|port` of a TCP connection: the same for a TLS socket and the TCP socket under it. */
const peerKey = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;

/**
 * MQTT over TCP, over TLS when configured, and over WebSocket (any path; the browser's). TCP and
 * TLS read a PROXY protocol header first as `config.proxyProtocol` says; behind a TCP proxy the
 * header comes before the TLS handshake, so TLS is then layered on the TCP socket after it.
 */
export async function openListeners(
  config: BrokerConfig,
  handle: ConnectionHandler,
  maxWsFrameBytes: number,
  onProxyRefused: ProxyProtocolPolicy["onRefused"] = () => undefined,
): Promise<Listeners> {
  const sockets = new SocketSet();
  const servers: Server[] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxWsFrameBytes });
  const ports = { mqttPort: 0, wsPort: 0, tlsPort: null as number | null };
  const policy: ProxyProtocolPolicy = { mode: config.proxyProtocol, trustedProxies: config.limits.trustedProxies, onRefused: onProxyRefused };
  try {
    const mqtt = createNetServer((socket) => {
      sockets.track(socket);
      readProxyHeader(socket, policy, (address) => {
        if (address) setProxiedAddress(socket, address);
        handle(socket);
      });
    });
    servers.push(mqtt);
    ports.mqttPort = await listen(mqtt, config.mqttPort, config.host);

    if (config.tls) {
      /** Client addresses named by PROXY headers of TCP sockets whose TLS handshake is under way. */
      const pending = new Map<string, string>();
      const tls = createTlsServer({ cert: readPem(config.tls.certFile, "EDGELENS_TLS_CERT"), key: readPem(config.tls.keyFile, "EDGELENS_TLS_KEY") }, (socket: TLSSocket) => {
        const address = pending.get(peerKey(socket));
        if (address) setProxiedAddress(socket, address);
        sockets.track(socket);
        handle(socket);
      });
      // A failed TLS handshake is the peer's problem, not the broker's.
      tls.on("tlsClientError", () => undefined);
      if (config.proxyProtocol === "off") {
        servers.push(tls);
        ports.tlsPort = await listen(tls, config.tls.port, config.host);
      } else {
        const front = createNetServer((socket) => {
          sockets.track(socket);
          readProxyHeader(socket, policy, (address) => {
            if (address) {
              const key = peerKey(socket);
              pending.set(key, address);
              socket.once("close", () => pending.delete(key));
            }
            // tls.Server accepts a socket injected this way; bytes already read are handed on.
            tls.emit("connection", socket);
          });
        });
        servers.push(front);
        ports.tlsPort = await listen(front, config.tls.port, config.host);
      }
    }

    const http = createHttpServer((_req, res) => {
      res.writeHead(426, { "content-type": "text/plain" }).end("MQTT over WebSocket only\n");
    });
    http.on("connection", (socket) => sockets.track(socket));
    http.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
    wss.on("connection", (ws, req: IncomingMessage) => {
      const stream = createWebSocketStream(ws);
      stream.on("error", () => stream.destroy());
      handle(stream, req);
    });
    servers.push(http);
    ports.wsPort = await listen(http, config.wsPort, config.host);
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") throw new EdgelensError("INVALID_CONFIG", `cannot listen: ${(err as Error).message}`, {}, { cause: err });
    throw err;
  }

  let closed: Promise<void>[] | null = null;
  const stop = () => (closed ??= servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return {
    ...ports,
    stopAccepting() {
      stop();
    },
    async close() {
      const done = stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      sockets.destroyAll();
      await Promise.all(done);
    },
  };
}
