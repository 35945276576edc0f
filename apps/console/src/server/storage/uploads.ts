/**
 * Upload sessions: a folder under the data dir's uploads/ that collects the files of one
 * import (one .onnx, or a TF.js model.json and its shards) before a model import reads them.
 */
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { writeBounded, type ByteSource, type WrittenFile } from "./streams";

const UPLOAD_ID = /^upl_[a-z0-9]+$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const STALE_MS = 24 * 3600 * 1000;

export function uploadDir(ctx: ServiceContext, uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new EdgelensError("INVALID_PAYLOAD", `uploadId: not an upload id: ${uploadId}`);
  return join(ctx.paths.uploadsDir, uploadId);
}

/** Leftovers of abandoned uploads go after a day; an import removes its own folder at once. */
async function sweepStale(ctx: ServiceContext): Promise<void> {
  const names = await readdir(ctx.paths.uploadsDir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const s = await stat(join(ctx.paths.uploadsDir, name)).catch(() => null);
    if (s && now - s.mtimeMs > STALE_MS) await rm(join(ctx.paths.uploadsDir, name), { recursive: true, force: true });
  }
}

export async function createUpload(ctx: ServiceContext): Promise<string> {
  await sweepStale(ctx);
  const id = newId("upl").toLowerCase();
  await mkdir(uploadDir(ctx, id), { recursive: true });
  return id;
}

/** Streams one file of an upload to disk; the session's total stays under the upload limit. */
export async function saveUploadFile(ctx: ServiceContext, uploadId: string, filename: string, body: ByteSource, declaredBytes?: number): Promise<WrittenFile> {
  if (!FILE_NAME.test(filename)) throw new EdgelensError("INVALID_PAYLOAD", `filename: must be a plain file name (letters, digits, . _ -): ${filename}`);
  const dir = uploadDir(ctx, uploadId);
  const present = await readdir(dir).catch(() => null);
  if (present === null) throw new EdgelensError("NOT_FOUND", `no upload ${uploadId}`, { uploadId });
  if (present.includes(filename)) throw new EdgelensError("CONFLICT", `upload ${uploadId} already has ${filename}`, { uploadId });
  let used = 0;
  // A .part of a request still writing counts too; one gone meanwhile counts nothing.
  for (const name of present) used += (await stat(join(dir, name)).catch(() => null))?.size ?? 0;
  return writeBounded(body, join(dir, filename), ctx.config.maxUploadBytes - used, `upload ${uploadId}`, declaredBytes);
}

export async function discardUpload(ctx: ServiceContext, uploadId: string): Promise<void> {
  await rm(uploadDir(ctx, uploadId), { recursive: true, force: true });
}

/** Writes a single-request body (raw ONNX upload) into a fresh upload folder. */
export async function saveSingleUpload(ctx: ServiceContext, filename: string, body: ByteSource, declaredBytes?: number): Promise<{ uploadId: string; file: WrittenFile }> {
  const uploadId = await createUpload(ctx);
  try {
    return { uploadId, file: await saveUploadFile(ctx, uploadId, filename, body, declaredBytes) };
  } catch (err) {
    await discardUpload(ctx, uploadId);
    throw err;
  }
}
