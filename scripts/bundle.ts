/**
 * Production build of a Node app (broker, agent): bundle its entry points and the workspace
 * packages it uses into apps/<app>/dist as plain JS; npm dependencies stay external (native
 * addons and their binaries must be required from node_modules).
 *
 * Usage: tsx scripts/bundle.ts <broker|agent>
 */
import { build, type Plugin } from "esbuild";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const entries: Record<string, string[]> = {
  broker: ["src/main.ts"],
  agent: ["src/cli.ts", "src/runtime/worker.ts"],
};

/** Keeps every bare import external except the workspace's own @edgelens/* source packages. */
const externalizeNpm: Plugin = {
  name: "externalize-npm",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@edgelens/") ? undefined : { path: args.path, external: true }));
  },
};

async function main(): Promise<void> {
  const app = process.argv[2];
  if (!app || !entries[app]) {
    console.error(`usage: tsx scripts/bundle.ts <${Object.keys(entries).join("|")}>`);
    process.exit(2);
  }
  const appDir = join(root, "apps", app);
  const points = (entries[app] ?? []).map((e) => join(appDir, e)).filter((p) => existsSync(p));
  await build({
    entryPoints: points,
    outdir: join(appDir, "dist"),
    outbase: join(appDir, "src"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    plugins: [externalizeNpm],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "info",
  });
  // migrateDatabase() finds migrations at ../drizzle from the module that calls it; in the bundle that is apps/<app>/drizzle.
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  if (manifest.dependencies?.["@edgelens/db"]) {
    cpSync(join(root, "packages/db/drizzle"), join(appDir, "drizzle"), { recursive: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
