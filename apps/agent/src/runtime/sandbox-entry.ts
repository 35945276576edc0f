import { mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

/**
 * The sandbox's code as plain JavaScript. A bundled agent ships it (dist/worker.js). From
 * TypeScript source (`pnpm -s agent`, vitest) it is built here once per agent process: the
 * sandbox cannot run tsx, whose transforms need a thread or a child process (esbuild's), and the
 * sandbox may start neither.
 */
const NATIVE = ["onnxruntime-node", "sharp", "esbuild"];

let built: Promise<URL> | undefined;

export function sandboxEntry(): Promise<URL> {
  if (!import.meta.url.endsWith(".ts")) return Promise.resolve(new URL("./worker.js", import.meta.url));
  built ??= buildFromSource();
  return built;
}

/** Where a dev build goes: under apps/agent (.cache is ignored by git), readable by the sandbox. */
export function devBuildDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".cache", "sandbox");
}

/** Addons (and esbuild, which finds its binary beside itself) stay external, by absolute path. */
function externalizeNative(): Plugin {
  return {
    name: "externalize-native",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${NATIVE.join("|")})$`) }, (args) => ({ path: createRequire(args.importer).resolve(args.path), external: true }));
    },
  };
}

async function buildFromSource(): Promise<URL> {
  const dir = devBuildDir();
  mkdirSync(dir, { recursive: true });
  const out = join(dir, "worker.mjs");
  const temp = join(dir, `worker-${process.pid}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL("./worker.ts", import.meta.url))],
    outfile: temp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    logLevel: "error",
    plugins: [externalizeNative()],
    // Why: bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __sandboxRequire } from "node:module"; const require = __sandboxRequire(import.meta.url);' },
  });
  // Concurrent agents (test files) write the same content; rename keeps every reader whole.
  renameSync(temp, out);
  return pathToFileURL(out);
}
