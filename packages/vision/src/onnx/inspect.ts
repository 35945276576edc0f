import { createHash } from "node:crypto";
import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";
import { describeSource, readModelBytes, tensorInfos } from "./model-bytes";
import type { TensorInfo } from "./model-runner";
import { decodeOnnxModelHeader } from "./onnx-proto";

export interface OnnxInspection {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Version of the default ("ai.onnx") opset the model imports. */
  opset?: number;
  producer?: string;
  irVersion?: number;
  metadata: Record<string, string>;
  sha256: string;
  size: number;
}

/**
 * Validates a model by opening an onnxruntime session and reports its inputs and outputs.
 * Bytes that are not a loadable ONNX model fail with INVALID_MODEL.
 */
export async function inspectOnnx(pathOrBytes: string | Uint8Array): Promise<OnnxInspection> {
  const bytes = await readModelBytes(pathOrBytes);
  const source = describeSource(pathOrBytes);
  let header;
  try {
    header = decodeOnnxModelHeader(bytes);
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `${source} is not an ONNX model: ${(err as Error).message}`, { source }, { cause: err });
  }
  let session: ort.InferenceSession;
  try {
    // Only validating and reading metadata: skip graph optimisation, one thread.
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 });
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `${source} is not a loadable ONNX model: ${(err as Error).message}`, { source }, { cause: err });
  }
  try {
    const opset = header.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")?.version;
    const producer = [header.producerName, header.producerVersion].filter(Boolean).join(" ") || undefined;
    return {
      inputs: tensorInfos(session.inputMetadata),
      outputs: tensorInfos(session.outputMetadata),
      opset,
      producer,
      irVersion: header.irVersion,
      metadata: Object.fromEntries(header.metadataProps.map((p) => [p.key, p.value])),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
    };
  } finally {
    await session.release();
  }
}
