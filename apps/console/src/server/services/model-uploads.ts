/** Model imports from upload sessions (the REST API's two-step upload, or one raw request). */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { discardUpload, saveSingleUpload, uploadDir } from "../storage/uploads";
import type { ByteSource } from "../storage/streams";
import type { JobView } from "./job-registry";
import { startTfjsImport } from "./model-conversion";
import { importOnnxModel, ModelEntityNameSchema, type ModelVersionView } from "./models";

export interface UploadImport {
  name: string;
  uploadId: string;
  format: "onnx" | "tfjs";
  description?: string | undefined;
}

async function onnxFileOf(ctx: ServiceContext, uploadId: string): Promise<string> {
  const dir = uploadDir(ctx, uploadId);
  const names = await readdir(dir).catch(() => {
    throw new EdgelensError("NOT_FOUND", `no upload ${uploadId}`, { uploadId });
  });
  const onnx = names.filter((n) => n.toLowerCase().endsWith(".onnx"));
  const pick = onnx.length === 1 ? onnx[0] : names.length === 1 ? names[0] : undefined;
  if (!pick) throw new EdgelensError("INVALID_PAYLOAD", `upload ${uploadId} must hold exactly one .onnx file; it has ${names.join(", ") || "none"}`, { uploadId });
  return join(dir, pick);
}

/** ONNX: imported now. TF.js: a background conversion job (poll GET /api/v1/jobs/{id}). */
export async function importFromUpload(ctx: ServiceContext, input: UploadImport): Promise<{ version: ModelVersionView } | { job: JobView }> {
  ModelEntityNameSchema.parse(input.name);
  if (input.format === "tfjs") {
    return { job: startTfjsImport(ctx, { name: input.name, dir: uploadDir(ctx, input.uploadId), uploadId: input.uploadId, description: input.description }) };
  }
  try {
    const file = await onnxFileOf(ctx, input.uploadId);
    return { version: await importOnnxModel(ctx, { name: input.name, file, move: true, ...(input.description ? { description: input.description } : {}) }) };
  } finally {
    await discardUpload(ctx, input.uploadId);
  }
}

/** One request carrying the .onnx bytes: streamed to disk, validated, then stored or dropped. */
export async function importOnnxStream(ctx: ServiceContext, input: { name: string; description?: string | undefined }, body: ByteSource, declaredBytes?: number): Promise<ModelVersionView> {
  ModelEntityNameSchema.parse(input.name);
  const { uploadId, file } = await saveSingleUpload(ctx, "model.onnx", body, declaredBytes);
  try {
    const hashed = { sha256: file.sha256, size: file.size };
    return await importOnnxModel(ctx, { name: input.name, file: file.path, move: true, hashed, ...(input.description ? { description: input.description } : {}) });
  } finally {
    await discardUpload(ctx, uploadId);
  }
}
