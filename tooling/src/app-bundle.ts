/**
 * Production build of a Node app (broker, agent, the console's `edgelens` CLI): one plain-JS file
 * per entry point, with the workspace packages it uses inlined, so that production runs
 * `node dist/<entry>.js` without tsx (scripts/bundle.ts is its command; the tests run their
 * children from such bundles too, see test-bundles.ts).
 *
 * The bundle runs inside the checkout it was built from (docs/production.md):
 * - npm dependencies stay external (native addons, their binaries). pnpm makes a package visible
 *   only to the packages that declare it, and the inlined workspace code (better-sqlite3 from
 *   @edgelens/db, onnxruntime-node from @edgelens/vision) no longer sits beside its
 *   node_modules; so each external is resolved from the file that imports it, at build time,
 *   and linked into <outdir>/node_modules, where Node finds it from the bundle.
 * - `import.meta.url` in workspace packages keeps naming their source file (as a path relative
 *   to the bundle), so the assets they find beside themselves (migrations, templates, sample
 *   models) are the checkout's. The app's own code keeps the bundle's URL: the agent finds its
 *   worker as ./worker.js beside cli.js (apps/agent/src/runtime/launch-worker.ts).
 * - Every entry lands flat in outdir (dist/cli.js, dist/worker.js), so that one relative path
 *   per source file is right for every output.
 */
import { build, type Plugin } from "esbuild";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { BUNDLE_ENTRIES, repoRoot as root } from "./bundle-entries";

export { BUNDLE_ENTRIES };

const packagesDir = join(root, "packages") + sep;


/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** The package's folder as Node finds it from `fromDir` (node_modules upwards), real path. */
function findPackageDir(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/** Keeps every bare import external except @edgelens/*, and records where each one resolves. */
function externalizeNpm(linked: Map<string, { dir: string; importer: string }>): Plugin {
  return {
    name: "externalize-npm",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("@edgelens/")) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const name = packageNameOf(args.path);
        const dir = findPackageDir(name, args.resolveDir);
        if (!dir) return { errors: [{ text: `${name} is not installed where ${args.importer} can see it (run pnpm install)` }] };
        const seen = linked.get(name);
        if (seen && seen.dir !== dir) {
          const text = `${name}: ${args.importer} and ${seen.importer} use different installs (${dir}, ${seen.dir}); the bundle can link only one`;
          return { errors: [{ text }] };
        }
        linked.set(name, { dir, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/** Rewrites `import.meta.url` in workspace package sources to their source file, relative to outdir. */
function keepSourceUrls(outdir: string): Plugin {
  return {
    name: "keep-source-urls",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (!args.path.startsWith(packagesDir)) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const rel = relative(outdir, args.path).split(sep).join("/");
        const contents = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
        return { contents, loader: args.path.endsWith("ts") ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** <outdir>/node_modules/<name> -> the install the bundled code resolved (relative links). */
function linkExternals(outdir: string, linked: Map<string, { dir: string }>): void {
  const modules = join(outdir, "node_modules");
  rmSync(modules, { recursive: true, force: true });
  for (const [name, { dir }] of [...linked].sort(([a], [b]) => a.localeCompare(b))) {
    const link = join(modules, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), dir), link, "dir");
  }
}

/** Bundles apps/<app>'s entry points into outdir (default apps/<app>/dist); resolves with the count of linked npm packages. */
export async function bundleApp(app: string, outdir: string, logLevel: "info" | "warning" = "info"): Promise<number> {
  const appDir = join(root, "apps", app);
  const points = (BUNDLE_ENTRIES[app] ?? []).map((e) => join(appDir, e));
  if (points.length === 0) throw new Error(`no bundle entries for app ${app} (known: ${Object.keys(BUNDLE_ENTRIES).join(", ")})`);
  const missing = points.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`entry points not found: ${missing.join(", ")}`);
  const linked = new Map<string, { dir: string; importer: string }>();
  await build({
    entryPoints: points,
    outdir,
    entryNames: "[name]",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // Why: code an entry loads with import() (the commands' heavy parts: onnxruntime, sharp, the
    // converter) becomes chunks loaded on use, not at start: the idle agent's RSS (issue 15.2).
    splitting: true,
    sourcemap: true,
    plugins: [externalizeNpm(linked), keepSourceUrls(outdir)],
    // CommonJS code inlined into an ES module still calls require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel,
  });
  linkExternals(outdir, linked);
  return linked.size;
}
