import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP endpoint for webhook tests. `respond` decides per request (by its 0-based index):
 * a status code, or "hang" to never answer (the caller's timeout must fire).
 */
export async function startHttpSink(respond: (index: number, req: SinkRequest) => number | "hang" = () => 200) {
  const requests: SinkRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const r: SinkRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      const answer = respond(requests.length, r);
      requests.push(r);
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(answer, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
