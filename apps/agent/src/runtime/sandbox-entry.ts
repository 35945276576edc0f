import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

/**
 * The sandbox's code as plain JavaScript. A bundled agent ships it (dist/worker.js). From
 * TypeScript source (`pnpm -s agent`, vitest) it is built here: the sandbox cannot run tsx, whose
 * transforms need a thread or a child process (esbuild's), and the sandbox may start neither.
 * A build is reused by every agent process while none of its input files changed.
 */
const NATIVE = ["onnxruntime-node", "sharp", "esbuild"];
const STALE_MS = 3_600_000;

let built: Promise<URL> | undefined;

export function sandboxEntry(): Promise<URL> {
  if (!import.meta.url.endsWith(".ts")) return Promise.resolve(new URL("./worker.js", import.meta.url));
  built ??= reuseOrBuild();
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

/** Names the build after its inputs as they are now (path, size, mtime); null when one is gone. */
function fingerprint(inputs: string[]): string | null {
  const hash = createHash("sha256");
  for (const input of inputs) {
    if (!existsSync(input)) return null;
    const s = statSync(input);
    hash.update(`${input}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

async function reuseOrBuild(): Promise<URL> {
  const dir = devBuildDir();
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, "inputs.json");
  if (existsSync(manifest)) {
    const inputs = JSON.parse(readFileSync(manifest, "utf8")) as string[];
    const name = fingerprint(inputs);
    if (name && existsSync(join(dir, `worker-${name}.mjs`))) return pathToFileURL(join(dir, `worker-${name}.mjs`));
  }
  const temp = join(dir, `build-${process.pid}.mjs`);
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./worker.ts", import.meta.url))],
    outfile: temp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    logLevel: "error",
    metafile: true,
    plugins: [externalizeNative()],
    // Why: bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __sandboxRequire } from "node:module"; const require = __sandboxRequire(import.meta.url);' },
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => join(process.cwd(), p));
  const name = fingerprint(inputs) ?? `${process.pid}`;
  const out = join(dir, `worker-${name}.mjs`);
  // Renames keep every reader whole while concurrent agents (test files) build the same thing.
  renameSync(temp, out);
  writeFileSync(`${manifest}.${process.pid}`, JSON.stringify(inputs));
  renameSync(`${manifest}.${process.pid}`, manifest);
  removeStale(dir, out);
  return pathToFileURL(out);
}

function removeStale(dir: string, keep: string): void {
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    if (path === keep || !file.endsWith(".mjs")) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
    } catch {
      // Another agent removed it first.
    }
  }
}
