import { readFile } from "node:fs/promises";
import { EdgelensError } from "@edgelens/shared/errors";
import type { InferenceSession } from "onnxruntime-node";
import type { TensorInfo } from "./model-runner";
import { bytesSource, fileSource, type ByteSource } from "./proto-cursor";

/** A model given as a file path or as its bytes; a missing file is NOT_FOUND. */
export async function readModelBytes(pathOrBytes: string | Uint8Array): Promise<Uint8Array> {
  if (typeof pathOrBytes !== "string") return pathOrBytes;
  try {
    return new Uint8Array(await readFile(pathOrBytes));
  } catch (err) {
    throw new EdgelensError("NOT_FOUND", `Cannot read model file ${pathOrBytes}: ${(err as Error).message}`, { path: pathOrBytes }, { cause: err });
  }
}

/** A model to read in pieces; a missing file is NOT_FOUND. */
export async function openModelSource(pathOrBytes: string | Uint8Array): Promise<ByteSource> {
  if (typeof pathOrBytes !== "string") return bytesSource(pathOrBytes);
  try {
    return await fileSource(pathOrBytes);
  } catch (err) {
    throw new EdgelensError("NOT_FOUND", `Cannot read model file ${pathOrBytes}: ${(err as Error).message}`, { path: pathOrBytes }, { cause: err });
  }
}

export function describeSource(pathOrBytes: string | Uint8Array): string {
  return typeof pathOrBytes === "string" ? pathOrBytes : `<${pathOrBytes.length} bytes>`;
}

export function tensorInfos(metadata: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: "non-tensor", shape: [] }));
}
