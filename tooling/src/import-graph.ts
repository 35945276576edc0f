import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * The import graph of the workspace's TypeScript sources, for the "no import cycles" rule of
 * docs/design.md. Type-only imports count: a module that needs another's types to compile
 * depends on it as much as one that calls it, and the fix is the broker's (a types-only
 * services.ts that imports no wiring, build-services.ts that does). Dynamic `import()` counts
 * too: deferring a load hides a cycle from module evaluation, it does not remove it.
 */
export type ImportGraph = Map<string, string[]>;

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts"];

/** Workspace packages by name -> their `exports` map (subpath -> file), relative to the repo root. */
function readWorkspaceExports(root: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const group of ["apps", "packages", "tooling"]) {
    const dirs = group === "tooling" ? [join(root, "tooling")] : readdirSync(join(root, group)).map((d) => join(root, group, d));
    for (const dir of dirs) {
      const manifest = join(dir, "package.json");
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; exports?: Record<string, unknown> | string };
      if (!pkg.name) continue;
      const exports = typeof pkg.exports === "string" ? { ".": pkg.exports } : (pkg.exports ?? {});
      for (const [subpath, target] of Object.entries(exports)) {
        if (typeof target !== "string") continue;
        const spec = subpath === "." ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, "")}`;
        targets.set(spec, resolve(dir, target));
      }
    }
  }
  return targets;
}

function resolveFile(base: string): string | undefined {
  const stripped = base.replace(/\.(m?js|jsx)$/, "");
  for (const candidate of [base, ...SOURCE_EXTENSIONS.map((e) => stripped + e), ...SOURCE_EXTENSIONS.map((e) => join(base, `index${e}`))]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Console code writes `@/x` for `apps/console/src/x` (its tsconfig `paths`). */
function resolveSpecifier(specifier: string, fromFile: string, root: string, exports: Map<string, string>): string | undefined {
  if (specifier.startsWith(".")) return resolveFile(resolve(dirname(fromFile), specifier));
  if (specifier.startsWith("@/")) {
    const appSrc = /^(.*\/apps\/[^/]+\/src)\//.exec(fromFile)?.[1];
    return appSrc ? resolveFile(join(appSrc, specifier.slice(2))) : undefined;
  }
  return exports.get(specifier);
}

/** The module specifiers a file names: imports, re-exports (type-only ones too) and dynamic import(). */
export function listImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) specifiers.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function listSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => SOURCE_EXTENSIONS.some((e) => f.endsWith(e)) && !f.endsWith(".d.ts") && !f.split("/").includes("node_modules"))
    .map((f) => join(dir, f));
}

/** The graph of `apps/*\/src` and `packages/*\/src`, keyed by repo-relative path; edges stay inside those sources. */
export function readImportGraph(root: string): ImportGraph {
  const exports = readWorkspaceExports(root);
  const files = ["apps", "packages"].flatMap((group) => readdirSync(join(root, group)).flatMap((d) => listSources(join(root, group, d, "src"))));
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const targets = new Set<string>();
    for (const specifier of listImports(file, readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(specifier, file, root, exports);
      if (target && known.has(target)) targets.add(relative(root, target));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself), Tarjan's algorithm. */
function findLoops(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) loops.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return loops;
}

/** One concrete circle through a component, shortest from its first file (breadth-first), for the error message. */
function traceCycle(graph: ImportGraph, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

export interface ImportLoop {
  /** Every file of the strongly connected component. */
  files: string[];
  /** One circle through it: a -> b -> ... -> a. */
  cycle: string[];
}

export function findImportLoops(graph: ImportGraph): ImportLoop[] {
  return findLoops(graph).map((files) => ({ files, cycle: traceCycle(graph, files) }));
}
