import { createServer, type Server } from "node:http";
import type { BrokerMetrics } from "./metrics";
import { closeServer, listen } from "./transport/socket-set";

export interface HealthSource {
  closing(): boolean;
  connections(): number;
  rules(): number;
  startedAt: number;
}

/** `GET /healthz` (JSON, 503 while closing) and `GET /metrics` (Prometheus text format). */
export async function startHttpApi(host: string, port: number, metrics: BrokerMetrics, health: HealthSource): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const closing = health.closing();
      res.writeHead(closing ? 503 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: closing ? "closing" : "ok", connections: health.connections(), rules: health.rules(), uptimeS: Math.round((Date.now() - health.startedAt) / 1000) }));
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${(err as Error).message}\n`),
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: "NOT_FOUND", message: `no ${req.method} ${path}` }));
  });
  const bound = await listen(server, port, host);
  return {
    port: bound,
    close: () => {
      server.closeAllConnections();
      return closeServer(server);
    },
  };
}
