import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { convertGraph, type ConversionResult, type ConvertOptions } from "./convert";
import { directoryShardReader, memoryShardReader, readModelJson } from "./load-files";
import { parseTfjsModelJson } from "./tfjs-model";

export { CONVERTER_VERSION, type ConversionProgress, type ConversionResult, type ConvertOptions } from "./convert";
export { supportedOps } from "./ops/registry";
export { float16BitsToNumber } from "./float16";

/** Converts model.json + its weight shards (next to it on disk) to ONNX. */
export async function convertTfjsGraphModel(modelJsonPath: string, opts: ConvertOptions = {}): Promise<ConversionResult> {
  opts.onProgress?.({ stage: "read", done: 0, total: 1 });
  const model = parseTfjsModelJson(await readModelJson(modelJsonPath));
  opts.onProgress?.({ stage: "read", done: 1, total: 1 });
  return convertGraph(model, directoryShardReader(modelJsonPath), opts);
}

export interface TfjsModelFiles {
  /** model.json as text or parsed object. */
  modelJson: string | object;
  /** Weight shards keyed by their path in weightsManifest (or just the file name). */
  weights: Map<string, Uint8Array>;
}

/** Converts an uploaded model (model.json and shards in memory) to ONNX. */
export async function convertTfjsGraphModelFromFiles(files: TfjsModelFiles, opts: ConvertOptions = {}): Promise<ConversionResult> {
  opts.onProgress?.({ stage: "read", done: 0, total: 1 });
  const model = parseTfjsModelJson(files.modelJson);
  opts.onProgress?.({ stage: "read", done: 1, total: 1 });
  return convertGraph(model, memoryShardReader(files.weights), opts);
}

export interface ConvertCommandResult extends Omit<ConversionResult, "onnx"> {
  path: string;
  bytes: number;
}

/**
 * What `edgelens-agent convert <model.json> <out.onnx>` runs: converts and writes the file
 * atomically (a failed conversion leaves no partial output).
 */
export async function runConvertCommand(modelJson: string, outOnnx: string, opts: ConvertOptions = {}): Promise<ConvertCommandResult> {
  const { onnx, ...rest } = await convertTfjsGraphModel(modelJson, opts);
  const path = resolve(outOnnx);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, onnx);
  await rename(tmp, path);
  return { ...rest, path, bytes: onnx.length };
}
