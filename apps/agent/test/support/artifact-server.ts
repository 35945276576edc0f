import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CLIP_REPORT_HEADER, ClipReportSchema, type Artifact, type ClipReport } from "@edgelens/shared/schemas";

/** A clip the agent sent (`POST /api/device/clips`): its report and the MP4 (empty with an error). */
export interface ReceivedClip {
  report: ClipReport;
  mp4: Buffer;
}

export interface ArtifactRequest {
  sha256: string;
  range: string | null;
  status: number;
}

export interface ArtifactServer {
  /** `http://127.0.0.1:<port>`: the device file's consoleUrl. */
  url: string;
  /** Serves `bytes` under their own hash; the artifact's url is relative (`/api/artifacts/<sha>`). */
  add(bytes: Buffer): Artifact;
  /** Serves `bytes` under a hash they do not have (what a corrupted store would do). */
  addMislabelled(bytes: Buffer, claimedSha256: string, claimedSize?: number): Artifact;
  /** The next response for `sha256` stops after `afterBytes` bytes and drops the connection. */
  cutNext(sha256: string, afterBytes: number): void;
  requests: ArtifactRequest[];
  /** Clips received, in arrival order. */
  clips: ReceivedClip[];
  close(): Promise<void>;
}

export function sha256Of(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The console's artifact endpoint as the agent sees it (`GET /api/artifacts/{sha256}`, bearer
 * `<deviceId>:<secret>` of one device or of each of a fleet, 200/206 with Range, 401, 404), on a
 * loopback port.
 */
export async function startArtifactServer(credentials: { deviceId: string; secret: string } | { deviceId: string; secret: string }[]): Promise<ArtifactServer> {
  const files = new Map<string, Buffer>();
  const cuts = new Map<string, number>();
  const requests: ArtifactRequest[] = [];
  const clips: ReceivedClip[] = [];
  const expected = new Set((Array.isArray(credentials) ? credentials : [credentials]).map((c) => `Bearer ${c.deviceId}:${c.secret}`));

  /** The console's clip endpoint: the report header decoded as the console does, the body kept. */
  const receiveClip = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (!expected.has(req.headers.authorization ?? "")) return void res.writeHead(401).end();
      // As the console's CSRF guard: a raw body is application/octet-stream or nothing.
      if (req.headers["content-type"] !== "application/octet-stream") return void res.writeHead(400).end(JSON.stringify({ code: "INVALID_PAYLOAD" }));
      const report = ClipReportSchema.safeParse(JSON.parse(String(req.headers[CLIP_REPORT_HEADER] ?? "null")));
      if (!report.success) return void res.writeHead(400).end(JSON.stringify({ code: "INVALID_PAYLOAD" }));
      clips.push({ report: report.data, mp4: Buffer.concat(chunks) });
      res.writeHead(201, { "content-type": "application/json" }).end("{}");
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === "POST" && req.url === "/api/device/clips") return receiveClip(req, res);
    const m = /^\/api\/artifacts\/([a-f0-9]{64})$/.exec(req.url ?? "");
    const sha = m?.[1] ?? "";
    const range = req.headers.range ?? null;
    const answer = (status: number, body?: string): void => {
      requests.push({ sha256: sha, range, status });
      res.writeHead(status, { "content-type": "application/json" }).end(body ?? JSON.stringify({ status }));
    };
    if (!expected.has(req.headers.authorization ?? "")) return answer(401, JSON.stringify({ code: "UNAUTHORIZED" }));
    const bytes = files.get(sha);
    if (!m || !bytes) return answer(404, JSON.stringify({ code: "NOT_FOUND" }));
    let start = 0;
    let status = 200;
    if (range) {
      const r = /^bytes=(\d+)-$/.exec(range);
      if (!r || Number(r[1]) >= bytes.length) {
        requests.push({ sha256: sha, range, status: 416 });
        res.writeHead(416, { "content-range": `bytes */${bytes.length}` }).end();
        return;
      }
      start = Number(r[1]);
      status = 206;
    }
    requests.push({ sha256: sha, range, status });
    const headers: Record<string, string> = { "content-type": "application/octet-stream", "content-length": String(bytes.length - start) };
    if (status === 206) headers["content-range"] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(status, headers);
    const cut = cuts.get(sha);
    if (cut !== undefined) {
      cuts.delete(sha);
      res.write(bytes.subarray(start, Math.max(start, cut)), () => res.destroy());
      return;
    }
    res.end(bytes.subarray(start));
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const artifactOf = (sha256: string, size: number): Artifact => ({ sha256, size, url: `/api/artifacts/${sha256}` });

  return {
    url: `http://127.0.0.1:${port}`,
    add(bytes) {
      const sha = sha256Of(bytes);
      files.set(sha, bytes);
      return artifactOf(sha, bytes.length);
    },
    addMislabelled(bytes, claimedSha256, claimedSize) {
      files.set(claimedSha256, bytes);
      return artifactOf(claimedSha256, claimedSize ?? bytes.length);
    },
    cutNext(sha256, afterBytes) {
      cuts.set(sha256, afterBytes);
    },
    requests,
    clips,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
