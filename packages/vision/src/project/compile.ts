import { createHash } from "node:crypto";
import { build, type Loader, type Message, type Plugin } from "esbuild";
import { EdgelensError } from "@edgelens/shared/errors";

/** The one import a project function may make; it resolves to {@link PROJECT_API_SHIM}. */
export const PROJECT_API_MODULE = "@edgelens/vision/project";

// Why a shim and not define-project.ts itself: the console may run this compiler inside another
// bundler, where the source file's path is not known; defineProject is the identity anyway.
const PROJECT_API_SHIM = "export function defineProject(definition) { return definition; }\n";

const MAX_SOURCE_BYTES = 1024 * 1024;

const loaders: Record<string, Loader> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js" };

/** Where a compile error sits in the function's source: 1-based line and column. */
export interface CompileDiagnostic {
  line: number;
  column: number;
  text: string;
  lineText?: string;
}

export interface CompiledProject {
  /** One self-contained ES module whose default export is the project definition. */
  code: string;
  /** Hex sha256 of `code`: the artifact's content address. */
  sha256: string;
}

const importGuard: Plugin = {
  name: "edgelens-project-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      if (args.path === PROJECT_API_MODULE) return { path: args.path, namespace: "edgelens-project-api" };
      return {
        errors: [
          {
            text: `cannot import "${args.path}": a project function may import only "${PROJECT_API_MODULE}"; use ctx.vision for the image helpers and ctx.models for the models`,
          },
        ],
      };
    });
    b.onLoad({ filter: /.*/, namespace: "edgelens-project-api" }, () => ({ contents: PROJECT_API_SHIM, loader: "js" }));
  },
};

function toDiagnostic(message: Message): CompileDiagnostic {
  const loc = message.location;
  const diagnostic: CompileDiagnostic = { line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1, text: message.text };
  if (loc?.lineText) diagnostic.lineText = loc.lineText;
  return diagnostic;
}

function compileFailed(filename: string, diagnostics: CompileDiagnostic[]): EdgelensError {
  const summary = diagnostics.map((d) => `${filename}:${d.line}:${d.column}: ${d.text}`).join("\n");
  return new EdgelensError("COMPILE_FAILED", summary, { filename, errors: diagnostics });
}

function loaderFor(filename: string): Loader {
  const ext = /\.[^./\\]+$/.exec(filename)?.[0]?.toLowerCase() ?? ".ts";
  const loader = loaders[ext];
  if (!loader) throw compileFailed(filename, [{ line: 1, column: 1, text: `unsupported file type "${ext}": write the function in .ts or .js` }]);
  return loader;
}

/**
 * Bundles a project function (TypeScript or JavaScript) into one ES module with esbuild. Only
 * syntax is checked, not types. Throws EdgelensError COMPILE_FAILED whose `context.errors` lists
 * {line, column, text} so an editor can mark each error at its line.
 */
export async function compileProjectFunction(source: string, options: { filename: string }): Promise<CompiledProject> {
  const { filename } = options;
  const loader = loaderFor(filename);
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    throw compileFailed(filename, [{ line: 1, column: 1, text: `the function is larger than ${MAX_SOURCE_BYTES} bytes` }]);
  }
  let result;
  try {
    result = await build({
      stdin: { contents: source, sourcefile: filename, loader },
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "node20",
      metafile: true,
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [importGuard],
    });
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (Array.isArray(messages) && messages.length > 0) throw compileFailed(filename, messages.map(toDiagnostic));
    throw new EdgelensError("COMPILE_FAILED", `esbuild failed on ${filename}: ${String(error)}`, { filename }, { cause: error });
  }
  const output = result.outputFiles[0];
  const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
  if (!output || !exports.includes("default")) {
    throw compileFailed(filename, [{ line: 1, column: 1, text: "the module has no default export: end it with `export default defineProject({ infer(frame, ctx) { ... } })`" }]);
  }
  const code = output.text;
  return { code, sha256: createHash("sha256").update(code).digest("hex") };
}
