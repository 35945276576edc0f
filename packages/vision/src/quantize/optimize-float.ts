import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";
import * as ort from "onnxruntime-node";

/**
 * onnxruntime's portable ("basic") graph optimisations, saved: constant folding (the converter's
 * float16 weight Casts), Transpose cancelling (the NHWC wrappers) and Conv+BatchNorm/Add/Mul
 * folding. Quantising this graph puts the QDQ pairs where the final kernels are.
 */
export async function optimizeFloatModel(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "edgelens-quantize-"));
  const out = join(dir, "basic.onnx");
  try {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "basic", optimizedModelFilePath: out, intraOpNumThreads: 1 });
    await session.release();
    return new Uint8Array(await readFile(out));
  } catch (err) {
    throw new EdgelensError("INVALID_MODEL", `model "${name}" does not load in onnxruntime: ${(err as Error).message}`, { model: name }, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
