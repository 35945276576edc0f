/** TF.js graph model imports: model.json + shards converted to ONNX by @edgelens/vision/converter. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { EdgelensError } from "@edgelens/shared";
import { convertTfjsGraphModel, convertTfjsGraphModelFromFiles, type ConversionProgress } from "@edgelens/vision/converter";
import type { ServiceContext } from "../context";
import { discardUpload } from "../storage/uploads";
import type { JobView, ProgressReporter } from "./job-registry";
import { getJob } from "./jobs";
import { importOnnxBytes, ModelEntityNameSchema, type ModelVersionView } from "./models";

export interface TfjsImport {
  name: string;
  /** Folder holding model.json (or one *.json) and the weight shards it lists (uploads). */
  dir?: string;
  /** Or the model.json itself, its shards read beside it as listed (CLI: a folder may hold many models). */
  modelJsonPath?: string;
  description?: string;
  source?: string;
}

// Conversion stages and their share of the progress bar.
const STAGE_SPAN: Record<ConversionProgress["stage"], [number, number]> = {
  read: [0, 5],
  weights: [5, 40],
  convert: [40, 85],
  write: [85, 90],
};

async function readModelFiles(dir: string): Promise<{ modelJson: string; weights: Map<string, Uint8Array> }> {
  const names = await readdir(dir).catch(() => {
    throw new EdgelensError("NOT_FOUND", `cannot read the model folder ${dir}`, { dir });
  });
  const jsons = names.filter((n) => n.toLowerCase().endsWith(".json"));
  const jsonName = jsons.includes("model.json") ? "model.json" : jsons.length === 1 ? jsons[0] : undefined;
  if (!jsonName) {
    throw new EdgelensError("INVALID_MODEL", `a TF.js graph model needs model.json beside its weight shards; found ${names.join(", ") || "no files"}`, { dir });
  }
  const weights = new Map<string, Uint8Array>();
  for (const n of names) if (n !== jsonName) weights.set(n, new Uint8Array(await readFile(join(dir, n))));
  return { modelJson: await readFile(join(dir, jsonName), "utf8"), weights };
}

/**
 * Converts and imports. UNSUPPORTED_OP (context.op names the TF op) and CONVERSION_FAILED come
 * from the converter; the converted bytes are then validated by onnxruntime like any upload.
 */
export async function importTfjsModel(ctx: ServiceContext, input: TfjsImport, onProgress: ProgressReporter = () => {}): Promise<ModelVersionView> {
  ModelEntityNameSchema.parse(input.name);
  onProgress("reading files", 0);
  const options = {
    onProgress: (p: ConversionProgress) => {
      const [from, to] = STAGE_SPAN[p.stage];
      onProgress(p.stage, from + ((to - from) * p.done) / Math.max(1, p.total));
    },
  };
  let result;
  if (input.modelJsonPath) result = await convertTfjsGraphModel(input.modelJsonPath, options);
  else if (input.dir) result = await convertTfjsGraphModelFromFiles(await readModelFiles(input.dir), options);
  else throw new EdgelensError("INVALID_PAYLOAD", "a TF.js import needs a folder or a model.json path");
  onProgress("validating", 92);
  const version = await importOnnxBytes(ctx, { name: input.name, description: input.description, source: input.source ?? "tfjs-upload", format: "tfjs" }, result.onnx);
  onProgress("done", 100);
  return version;
}

/** Starts the import as a background job; an upload folder is removed when the job ends. */
export function startTfjsImport(ctx: ServiceContext, input: TfjsImport & { uploadId?: string }): JobView {
  ModelEntityNameSchema.parse(input.name);
  const job = ctx.jobs.start("tfjs-import", async (report) => {
    try {
      return await importTfjsModel(ctx, input, report);
    } finally {
      if (input.uploadId) await discardUpload(ctx, input.uploadId);
    }
  });
  return getJob(ctx, job.id);
}
