import { readFile } from "node:fs/promises";
import { EdgelensError } from "@edgelens/shared/errors";
import type { ProjectDefinition } from "./define-project";

let loads = 0;

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** Checks the shape of a module's default export so a wrong one fails at load, not at frame 1. */
export function checkProjectDefinition(value: unknown, where: string): ProjectDefinition {
  const fail = (why: string) =>
    new EdgelensError("FUNCTION_FAILED", `${where}: ${why}; the module must \`export default defineProject({ infer(frame, ctx) { ... } })\``);
  if (typeof value !== "object" || value === null) throw fail(`the default export is ${describe(value)}, not a project`);
  const def = value as Record<string, unknown>;
  if (typeof def.infer !== "function") throw fail("the project has no infer function");
  if (def.setup !== undefined && typeof def.setup !== "function") throw fail("setup must be a function");
  if (def.models !== undefined && !(Array.isArray(def.models) && def.models.every((m) => typeof m === "string"))) {
    throw fail("models must be an array of model names");
  }
  if (def.config !== undefined && (typeof def.config !== "object" || def.config === null || Array.isArray(def.config))) {
    throw fail("config must be an object of default settings");
  }
  return value as ProjectDefinition;
}

/**
 * Imports a compiled project function (the `code` of compileProjectFunction, or a file holding
 * it) and returns its definition. Each call evaluates the module afresh, so state a function
 * keeps at module level is never shared between two loads.
 */
export async function loadProjectModule(source: { code: string } | { path: string }): Promise<ProjectDefinition> {
  const where = "code" in source ? "project function" : source.path;
  // Why read the file rather than import its path: artifacts are stored under their hash, without
  // an extension, and Node would guess their module format from the folder's package.json.
  const code =
    "code" in source
      ? source.code
      : await readFile(source.path, "utf8").catch((error: Error) => {
          throw new EdgelensError("FUNCTION_FAILED", `cannot read the function ${source.path}: ${error.message}`, { path: source.path });
        });
  loads += 1;
  // The trailing comment makes each load's URL unique: Node caches modules by URL.
  const url = `data:text/javascript;base64,${Buffer.from(`${code}\n// load ${loads}\n`).toString("base64")}`;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new EdgelensError("FUNCTION_FAILED", `${where} failed to load: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
  }
  return checkProjectDefinition(mod.default, where);
}
