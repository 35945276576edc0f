import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createNetServer, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer } from "node:tls";
import { createWebSocketStream, WebSocketServer } from "ws";
import { EdgelensError } from "@edgelens/shared/errors";
import type { BrokerConfig } from "../config";
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

/** MQTT over TCP, over TLS when configured, and over WebSocket (any path; the browser's). */
export async function openListeners(config: BrokerConfig, handle: ConnectionHandler, maxWsFrameBytes: number): Promise<Listeners> {
  const sockets = new SocketSet();
  const servers: Server[] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxWsFrameBytes });
  const ports = { mqttPort: 0, wsPort: 0, tlsPort: null as number | null };
  try {
    const mqtt = createNetServer((socket) => {
      sockets.track(socket);
      handle(socket);
    });
    servers.push(mqtt);
    ports.mqttPort = await listen(mqtt, config.mqttPort, config.host);

    if (config.tls) {
      const tls = createTlsServer({ cert: readPem(config.tls.certFile, "EDGELENS_TLS_CERT"), key: readPem(config.tls.keyFile, "EDGELENS_TLS_KEY") }, (socket) => {
        sockets.track(socket);
        handle(socket);
      });
      // A failed TLS handshake is the peer's problem, not the broker's.
      tls.on("tlsClientError", () => undefined);
      servers.push(tls);
      ports.tlsPort = await listen(tls, config.tls.port, config.host);
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
