import { EdgelensError } from "@edgelens/shared";
import { declaredLength } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { saveUploadFile } from "@/server/storage/uploads";

export const dynamic = "force-dynamic";

/** The raw file as the body, streamed to disk within EDGELENS_MAX_UPLOAD_MB per session. */
export const PUT = route<{ uploadId: string; filename: string }>("admin", async ({ req, ctx, params }) => {
  if (!req.body) throw new EdgelensError("INVALID_PAYLOAD", "send the file as the request body");
  const file = await saveUploadFile(ctx, params.uploadId, params.filename, req.body, declaredLength(req));
  return json({ filename: params.filename, size: file.size, sha256: file.sha256 }, 201);
});
