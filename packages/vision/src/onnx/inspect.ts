import { createHash } from "node:crypto";
import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";
import { describeSource, openModelSource, tensorInfos } from "./model-bytes";
import type { TensorInfo } from "./model-runner";
import { decodeOnnxModelHeader, type OnnxModelHeader } from "./onnx-proto";
import { buildOnnxSkeleton, type OnnxSkeleton } from "./onnx-skeleton";

export interface OnnxInspection {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Version of the default ("ai.onnx") opset the model imports. */
  opset?: number;
  producer?: string;
  irVersion?: number;
  metadata: Record<string, string>;
  /** Only for a model given as bytes: a file is not read whole (its store hashes it while copying). */
  sha256?: string;
  size: number;
  /** Bytes of the model the inspection read: for a file, its structure but not its weights. */
  bytesRead: number;
}

/**
 * Validates a model by opening an onnxruntime session on its skeleton (onnx-skeleton.ts: the
 * model with its large weights as inputs) and reports its inputs and outputs. A file is read in
 * pieces, never whole, so a 1 GB upload costs the console kilobytes. Bytes that are not a
 * loadable ONNX model fail with INVALID_MODEL.
 */
export async function inspectOnnx(bytes: Uint8Array): Promise<OnnxInspection & { sha256: string }>;
export async function inspectOnnx(path: string): Promise<OnnxInspection>;
export async function inspectOnnx(pathOrBytes: string | Uint8Array): Promise<OnnxInspection> {
  const input = await openModelSource(pathOrBytes);
  const source = describeSource(pathOrBytes);
  let skeleton: OnnxSkeleton;
  let header: OnnxModelHeader;
  try {
    skeleton = await buildOnnxSkeleton(input);
    header = decodeOnnxModelHeader(skeleton.bytes);
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `${source} is not an ONNX model: ${(err as Error).message}`, { source }, { cause: err });
  } finally {
    await input.close();
  }
  let session: ort.InferenceSession;
  try {
    // Only validating and reading metadata: skip graph optimisation, one thread.
    session = await ort.InferenceSession.create(skeleton.bytes, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 });
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `${source} is not a loadable ONNX model: ${(err as Error).message}`, { source }, { cause: err });
  }
  try {
    const opset = header.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version;
    const producer = [header.producerName, header.producerVersion].filter(Boolean).join(" ") || undefined;
    return {
      inputs: tensorInfos(session.inputMetadata).filter((i) => !skeleton.weights.has(i.name)),
      outputs: tensorInfos(session.outputMetadata),
      opset,
      producer,
      irVersion: header.irVersion,
      metadata: Object.fromEntries(header.metadataProps.map((p) => [p.key, p.value])),
      ...(typeof pathOrBytes === "string" ? {} : { sha256: createHash("sha256").update(pathOrBytes).digest("hex") }),
      size: input.size,
      bytesRead: input.bytesRead,
    };
  } finally {
    await session.release();
  }
}
