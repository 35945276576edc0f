import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgelensError } from "@edgelens/shared/errors";
import type { TensorInfo } from "../onnx/model-runner";
import { SAMPLE_MODEL_NAMES, type SampleModelName } from "./sample-models";

export interface SampleModelEntry {
  name: SampleModelName;
  description: string;
  /** File name inside sampleModelsDir(). */
  file: string;
  source: {
    package: string;
    version: string;
    file: string;
    license: string;
    licenseFile?: string;
    /** Where the model itself comes from (model.json's generatedBy), when known. */
    origin?: string;
    converted: boolean;
  };
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  labels: string[];
  sha256: string;
  size: number;
  /** sha256 over the source files' hashes and the converter version. */
  cacheKey: string;
  conversion?: { ms: number; tfNodes: number; onnxNodes: number; warnings: string[] };
}

export interface SampleModelManifest {
  version: 1;
  converterVersion: string;
  models: Partial<Record<SampleModelName, SampleModelEntry>>;
}

export interface SampleModel extends SampleModelEntry {
  /** Absolute path of the .onnx file. */
  path: string;
}

export const MANIFEST_FILE = "manifest.json";

/** packages/vision/.models (git-ignored), where `pnpm models` writes. */
export function sampleModelsDir(): string {
  // Joined from this module's folder: Turbopack rewrites new URL(literal, import.meta.url).
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".models");
}

function notBuilt(what: string): EdgelensError {
  return new EdgelensError("NOT_FOUND", `${what}: the sample models are not built. Run \`pnpm models\` in the repository root.`, {
    dir: sampleModelsDir(),
  });
}

export function readModelManifest(dir = sampleModelsDir()): SampleModelManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw notBuilt(`No ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new EdgelensError("INVALID_CONFIG", `${file} is not valid JSON (rerun \`pnpm models\`): ${(err as Error).message}`, { file }, { cause: err });
  }
  const m = parsed as Partial<SampleModelManifest>;
  if (m.version !== 1 || typeof m.models !== "object" || m.models === null) {
    throw new EdgelensError("INVALID_CONFIG", `${file} has an unknown layout (rerun \`pnpm models\`)`, { file });
  }
  return m as SampleModelManifest;
}

export function isSampleModelName(name: string): name is SampleModelName {
  return (SAMPLE_MODEL_NAMES as readonly string[]).includes(name);
}

/** A built sample model by name: its path, hash, labels, inputs and outputs. */
export function getSampleModel(name: SampleModelName | string): SampleModel {
  if (!isSampleModelName(name)) {
    throw new EdgelensError("NOT_FOUND", `No sample model "${name}" (there are: ${SAMPLE_MODEL_NAMES.join(", ")})`, { model: name });
  }
  const dir = sampleModelsDir();
  const entry = readModelManifest(dir).models[name];
  if (!entry) throw notBuilt(`Sample model "${name}" is not in the manifest`);
  const path = join(dir, entry.file);
  if (!existsSync(path)) throw notBuilt(`Sample model file ${path} is missing`);
  return { ...entry, path };
}
