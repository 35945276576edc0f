import { readFile } from "node:fs/promises";
import { route } from "@/server/http/route";
import { findSnapshot } from "@/server/services/snapshots";

export const dynamic = "force-dynamic";

type P = { sha256: string };

/** An event's snapshot for any signed-in user or API token. Content-addressed: cached for good. */
export const GET = route<P>("viewer", async ({ req, ctx, params }) => {
  const file = await findSnapshot(ctx, params.sha256);
  const etag = `"${params.sha256}"`;
  const headers = {
    etag,
    "content-type": "image/jpeg",
    // private: the picture needs a signed-in user, so shared caches must not keep it.
    "cache-control": "private, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  // A snapshot is one frame, bounded by the broker's payload limit: read whole.
  const bytes = await readFile(file.path);
  return new Response(new Uint8Array(bytes), { status: 200, headers: { ...headers, "content-length": String(bytes.length) } });
});
