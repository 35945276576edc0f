import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import type { ShardReader } from "./weights";

function missingShard(path: string, where: string, cause?: unknown): EdgelensError {
  return new EdgelensError("INVALID_MODEL", `Weight shard "${path}" listed in model.json is missing (${where})`, { shard: path }, { cause });
}

/** Shards resolve next to model.json and may not point outside its folder. */
export function directoryShardReader(modelJsonPath: string): ShardReader {
  const dir = dirname(resolve(modelJsonPath));
  return async (path) => {
    const full = resolve(dir, path);
    const rel = relative(dir, full);
    if (isAbsolute(path) || rel.startsWith("..") || isAbsolute(rel)) {
      throw new EdgelensError("INVALID_MODEL", `Weight shard path "${path}" leaves the model's folder`, { shard: path });
    }
    try {
      return new Uint8Array(await readFile(full));
    } catch (err) {
      throw missingShard(path, `looked for ${full}`, err);
    }
  };
}

/** Uploaded files: matched by the manifest path, else by file name (uploads lose folders). */
export function memoryShardReader(files: Map<string, Uint8Array>): ShardReader {
  return async (path) => {
    const hit = files.get(path) ?? files.get(basename(path));
    if (!hit) throw missingShard(path, `uploaded files: ${[...files.keys()].join(", ") || "none"}`);
    return hit;
  };
}

export async function readModelJson(modelJsonPath: string): Promise<string> {
  try {
    return await readFile(modelJsonPath, "utf8");
  } catch (err) {
    throw new EdgelensError("NOT_FOUND", `Cannot read model.json at ${modelJsonPath}: ${(err as Error).message}`, { path: modelJsonPath }, { cause: err });
  }
}
