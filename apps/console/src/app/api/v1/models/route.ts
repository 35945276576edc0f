import { EdgelensError } from "@edgelens/shared";
import { declaredLength, readJson, readQuery } from "@/server/http/body";
import { ModelImportSchema, RawModelQuerySchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { importFromUpload, importOnnxStream } from "@/server/services/model-uploads";
import { listModels } from "@/server/services/models";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ models: listModels(ctx) }));

/**
 * JSON `{name, uploadId, format}` imports an upload session (TF.js answers 202 with a job);
 * any other body is the .onnx file itself, streamed to disk (`?name=`).
 */
export const POST = route("admin", async ({ req, ctx }) => {
  if (/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    const result = await importFromUpload(ctx, await readJson(req, ModelImportSchema));
    return "job" in result ? json(result, 202) : json(result, 201);
  }
  const { name, description } = readQuery(req, RawModelQuerySchema);
  if (!req.body) throw new EdgelensError("INVALID_PAYLOAD", "send the .onnx file as the request body");
  return json({ version: await importOnnxStream(ctx, { name, description }, req.body, declaredLength(req)) }, 201);
});
