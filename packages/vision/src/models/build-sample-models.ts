import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CONVERTER_VERSION, convertTfjsGraphModel, type ConversionProgress } from "../converter/index";
import { parseTfjsModelJson } from "../converter/tfjs-model";
import { inspectOnnx } from "../onnx/inspect";
import { COCO_LABELS } from "./coco-labels";
import { EMOTION_LABELS } from "./emotion-labels";
import { MANIFEST_FILE, readModelManifest, sampleModelsDir, type SampleModelEntry, type SampleModelManifest } from "./manifest";
import { MOVENET_KEYPOINTS } from "./movenet-keypoints";
import { findInstalledPackage, type InstalledPackage } from "./package-locator";
import { SAMPLE_MODEL_SOURCES, type SampleModelSource } from "./sample-models";
import { PPOCR_KEYS_V1 } from "./ppocr-keys";
import { assertSameList, readHumanCocoLabels, readHumanMovenetKeypoints, readPpocrKeys } from "./upstream-labels";

/** Bump when what this build writes changes (labels, manifest fields) without a converter change. */
const BUILD_VERSION = 1;

export interface BuildEvent {
  model: string;
  stage: "cached" | "convert" | "copy" | "inspect" | "done";
  message: string;
  progress?: ConversionProgress;
}

export interface BuildOptions {
  dir?: string;
  /** Rebuild even what the cache says is up to date. */
  force?: boolean;
  onEvent?: (e: BuildEvent) => void;
}

export interface BuildResult {
  dir: string;
  manifest: SampleModelManifest;
  built: string[];
  cached: string[];
}

const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** The files a model is made from: model.json and its shards, or the .onnx itself. */
async function sourceFiles(src: SampleModelSource, pkg: InstalledPackage): Promise<string[]> {
  if (src.kind === "onnx") return src.labelFile ? [src.file, src.labelFile] : [src.file];
  const model = parseTfjsModelJson(await readFile(join(pkg.dir, src.file), "utf8"));
  const dir = dirname(src.file);
  return [src.file, ...model.weightsManifest.flatMap((g) => g.paths.map((p) => join(dir, p)))];
}

async function cacheKeyOf(src: SampleModelSource, pkg: InstalledPackage): Promise<string> {
  const files = await sourceFiles(src, pkg);
  const hashes = await Promise.all(files.map(async (f) => [f, sha256(await readFile(join(pkg.dir, f)))]));
  return sha256(JSON.stringify({ converter: CONVERTER_VERSION, build: BUILD_VERSION, name: src.name, pkg: pkg.version, hashes }));
}

function labelsOf(src: SampleModelSource, pkg: InstalledPackage): string[] {
  if (src.labels === "coco") {
    const upstream = readHumanCocoLabels(pkg.dir);
    assertSameList(COCO_LABELS, upstream, "COCO labels");
    return upstream;
  }
  if (src.labels === "movenet-keypoints") {
    const upstream = readHumanMovenetKeypoints(pkg.dir);
    assertSameList(MOVENET_KEYPOINTS, upstream, "MoveNet keypoints");
    return upstream;
  }
  if (src.labels === "text-direction") return ["0", "180"];
  if (src.labels === "emotion") return [...EMOTION_LABELS];
  if (src.labels === "ppocr-characters") {
    // Why only checked: the 6625 classes are single characters, not labels worth listing; the
    // function decodes with the PPOCR_KEYS_V1 constant, which must be the package's dictionary.
    assertSameList(PPOCR_KEYS_V1, readPpocrKeys(join(pkg.dir, src.labelFile ?? "")), "PP-OCR dictionary");
    return ["text"];
  }
  return [src.labels];
}

async function isUpToDate(dir: string, entry: SampleModelEntry | undefined, key: string): Promise<boolean> {
  if (!entry || entry.cacheKey !== key) return false;
  const path = join(dir, entry.file);
  if (!existsSync(path)) return false;
  return sha256(await readFile(path)) === entry.sha256;
}

async function buildOne(dir: string, src: SampleModelSource, pkg: InstalledPackage, key: string, emit: (e: BuildEvent) => void): Promise<SampleModelEntry> {
  const file = `${src.name}.onnx`;
  const sourcePath = join(pkg.dir, src.file);
  let bytes: Uint8Array;
  let conversion: SampleModelEntry["conversion"];
  let origin: string | undefined;
  if (src.kind === "tfjs") {
    emit({ model: src.name, stage: "convert", message: `converting ${src.package}/${src.file}` });
    const started = performance.now();
    const result = await convertTfjsGraphModel(sourcePath, {
      onProgress: (progress) => emit({ model: src.name, stage: "convert", message: `${progress.stage} ${progress.done}/${progress.total}`, progress }),
    });
    bytes = result.onnx;
    conversion = {
      ms: Math.round(performance.now() - started),
      tfNodes: result.stats.tfNodes,
      onnxNodes: result.stats.onnxNodes,
      warnings: result.warnings,
    };
    origin = parseTfjsModelJson(await readFile(sourcePath, "utf8")).generatedBy;
  } else {
    emit({ model: src.name, stage: "copy", message: `copying ${src.package}/${src.file}` });
    bytes = new Uint8Array(await readFile(sourcePath));
  }
  await writeAtomic(join(dir, file), bytes);
  emit({ model: src.name, stage: "inspect", message: "validating with onnxruntime" });
  const info = await inspectOnnx(bytes);
  return {
    name: src.name,
    description: src.description,
    file,
    source: {
      package: src.package,
      version: pkg.version,
      file: src.file,
      license: pkg.license,
      ...(pkg.licenseFile ? { licenseFile: pkg.licenseFile } : {}),
      ...(origin ? { origin } : {}),
      converted: src.kind === "tfjs",
    },
    inputs: info.inputs,
    outputs: info.outputs,
    labels: labelsOf(src, pkg),
    sha256: info.sha256,
    size: info.size,
    cacheKey: key,
    ...(conversion ? { conversion } : {}),
  };
}

function previousManifest(dir: string): SampleModelManifest | undefined {
  try {
    return readModelManifest(dir);
  } catch {
    // Why: a missing or unreadable manifest only means nothing is cached; everything is rebuilt.
    return undefined;
  }
}

/**
 * Builds packages/vision/.models: converts the TF.js sample models, copies the ONNX one, and writes
 * manifest.json. Models whose sources and converter version are unchanged are left alone.
 */
export async function buildSampleModels(opts: BuildOptions = {}): Promise<BuildResult> {
  const dir = opts.dir ?? sampleModelsDir();
  const emit = opts.onEvent ?? (() => {});
  await mkdir(dir, { recursive: true });
  const previous = previousManifest(dir);
  const models: SampleModelManifest["models"] = {};
  const built: string[] = [];
  const cached: string[] = [];
  for (const src of SAMPLE_MODEL_SOURCES) {
    const pkg = findInstalledPackage(src.package);
    const key = await cacheKeyOf(src, pkg);
    const old = previous?.models[src.name];
    if (!opts.force && old && (await isUpToDate(dir, old, key))) {
      models[src.name] = old;
      cached.push(src.name);
      emit({ model: src.name, stage: "cached", message: "up to date (cached)" });
      continue;
    }
    models[src.name] = await buildOne(dir, src, pkg, key, emit);
    built.push(src.name);
    emit({ model: src.name, stage: "done", message: `wrote ${models[src.name]?.file}` });
  }
  const manifest: SampleModelManifest = { version: 1, converterVersion: CONVERTER_VERSION, models };
  if (built.length > 0 || !previous) await writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest, built, cached };
}

/** For tests and tools that need the sample models: builds whatever is missing or stale, quietly. */
export async function ensureSampleModels(): Promise<SampleModelManifest> {
  return (await buildSampleModels()).manifest;
}
