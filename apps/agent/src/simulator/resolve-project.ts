import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { ProjectConfigSchema, formatZodError, type ProjectConfig } from "@edgelens/shared";
import { EdgelensError } from "@edgelens/shared/errors";
import { getSampleModel, isSampleModelName } from "@edgelens/vision/models";
import { compileProjectFunction } from "@edgelens/vision/project";
import { getTemplate } from "@edgelens/vision/templates";

export interface ProjectChoice {
  template?: string;
  functionFile?: string;
  /** `name=path` or `name=<sample model>` (SAMPLE_MODEL_NAMES of @edgelens/vision/models). */
  modelArgs?: string[];
  /** JSON object merged over the template's (or an empty) config. */
  configJson?: string;
}

export interface ResolvedProject {
  projectId: string;
  code: string;
  sha256: string;
  models: Record<string, string>;
  config: ProjectConfig;
}

function parseModelArg(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  if (eq <= 0 || eq === arg.length - 1) throw new EdgelensError("INVALID_CONFIG", `--model takes name=path (e.g. detector=./model.onnx or detector=centernet), got "${arg}"`);
  const name = arg.slice(0, eq);
  const value = arg.slice(eq + 1);
  const path = resolve(value);
  if (existsSync(path)) return [name, path];
  if (isSampleModelName(value)) return [name, getSampleModel(value).path];
  throw new EdgelensError("MODEL_LOAD_FAILED", `--model ${name}: no such file ${path} (nor a sample model name)`, { model: name, path });
}

function parseConfig(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new EdgelensError("INVALID_CONFIG", `--config is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ProjectConfigSchema.safeParse(value);
  if (!parsed.success) throw new EdgelensError("INVALID_CONFIG", `--config: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** A project id from a file name: the id alphabet of docs/design.md (letters, digits, '_', '.', '-'). */
function projectIdFor(file: string): string {
  const id = basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return id.slice(0, 128) || "project";
}

/** Compiles the template's or file's function and resolves its models and config. */
export async function resolveProject(choice: ProjectChoice): Promise<ResolvedProject> {
  if ((choice.template === undefined) === (choice.functionFile === undefined)) {
    throw new EdgelensError("INVALID_CONFIG", "give exactly one of --template <name> or --function <file.ts|js>");
  }
  let source: string;
  let filename: string;
  let projectId: string;
  let models: Record<string, string> = {};
  let config: Record<string, unknown> = {};
  if (choice.template !== undefined) {
    const template = getTemplate(choice.template);
    source = template.functionSource;
    filename = template.functionPath;
    projectId = template.name;
    config = template.defaultConfig;
    models = Object.fromEntries(Object.entries(template.models).map(([name, sample]) => [name, getSampleModel(sample).path]));
  } else {
    filename = resolve(choice.functionFile ?? "");
    source = await readFile(filename, "utf8").catch((error: Error) => {
      throw new EdgelensError("NOT_FOUND", `cannot read the function ${filename}: ${error.message}`, { path: filename });
    });
    projectId = projectIdFor(filename);
  }
  for (const arg of choice.modelArgs ?? []) {
    const [name, path] = parseModelArg(arg);
    models[name] = path;
  }
  const compiled = await compileProjectFunction(source, { filename });
  return { projectId, code: compiled.code, sha256: compiled.sha256, models, config: { ...config, ...parseConfig(choice.configJson) } };
}
