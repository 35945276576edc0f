import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { requestStream, StreamRequestInputSchema } from "@/server/services/devices";

export const dynamic = "force-dynamic";

/** Viewers may ask for preview frames: watching is reading. */
export const POST = route<{ id: string }>("viewer", async ({ req, ctx, params }) => json({ request: await requestStream(ctx, params.id, await readJson(req, StreamRequestInputSchema)) }));
