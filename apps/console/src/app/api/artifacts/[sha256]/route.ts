import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { EdgelensError } from "@edgelens/shared";
import { authenticateDevice, deviceBearer } from "@/server/auth/device-auth";
import { authenticateRequest } from "@/server/auth/request-auth";
import { parseRange } from "@/server/http/range";
import { publicRoute } from "@/server/http/route";
import { findArtifactFile } from "@/server/storage/artifacts";
import type { ServiceContext } from "@/server/context";

export const dynamic = "force-dynamic";

type P = { sha256: string };

/** Devices with their credentials; signed-in users and API tokens too (model downloads, event snapshots). */
async function authorize(ctx: ServiceContext, req: Request): Promise<void> {
  if (deviceBearer(req)) {
    if (await authenticateDevice(ctx, req)) return;
    throw new EdgelensError("UNAUTHORIZED", "unknown device or wrong secret");
  }
  if (await authenticateRequest(ctx, req)) return;
  throw new EdgelensError("UNAUTHORIZED", "send Authorization: Bearer <deviceId>:<secret>");
}

async function serve(ctx: ServiceContext, req: Request, sha256: string, withBody: boolean): Promise<Response> {
  await authorize(ctx, req);
  const file = await findArtifactFile(ctx, sha256);
  if (!file) throw new EdgelensError("NOT_FOUND", `no artifact ${sha256}`, { sha256 });
  const headers: Record<string, string> = {
    "accept-ranges": "bytes",
    etag: `"${sha256}"`,
    "content-type": file.contentType,
    // Content-addressed: the bytes behind a URL never change.
    "cache-control": "private, max-age=31536000, immutable",
  };
  const ifRange = req.headers.get("if-range");
  const range = ifRange && ifRange !== `"${sha256}"` ? ({ kind: "full" } as const) : parseRange(req.headers.get("range"), file.size);
  if (range.kind === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${file.size}` } });
  }
  const [start, end, status] = range.kind === "partial" ? [range.start, range.end, 206] : [0, file.size - 1, 200];
  if (range.kind === "partial") headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  headers["content-length"] = String(file.size === 0 ? 0 : end - start + 1);
  if (!withBody || file.size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

export const GET = publicRoute<P>(async ({ req, ctx, params }) => serve(ctx, req, params.sha256, true));
export const HEAD = publicRoute<P>(async ({ req, ctx, params }) => serve(ctx, req, params.sha256, false));
