/**
 * Production build of a Node app: tooling/src/app-bundle.ts says what a bundle is and how it runs.
 *
 * Usage: tsx scripts/bundle.ts <broker|agent|console> [--outdir DIR]   (default apps/<app>/dist)
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BUNDLE_ENTRIES, bundleApp } from "@edgelens/tooling/app-bundle";

const root = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { outdir: { type: "string" } } });
  const app = positionals[0];
  if (!app || !BUNDLE_ENTRIES[app] || positionals.length > 1) {
    console.error(`usage: tsx scripts/bundle.ts <${Object.keys(BUNDLE_ENTRIES).join("|")}> [--outdir DIR]`);
    process.exit(2);
  }
  const outdir = resolve(values.outdir ?? join(root, "apps", app, "dist"));
  const linked = await bundleApp(app, outdir);
  console.error(`${app}: ${linked} npm packages linked into ${join(outdir, "node_modules")}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
