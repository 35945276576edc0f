import { json, route } from "@/server/http/route";
import { createUpload } from "@/server/storage/uploads";

export const dynamic = "force-dynamic";

/** An upload session: PUT each file to /api/v1/uploads/{uploadId}/{filename}, then POST /api/v1/models. */
export const POST = route("admin", async ({ ctx }) => json({ uploadId: await createUpload(ctx) }, 201));
