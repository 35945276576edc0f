/**
 * Which TypeScript entry points have production bundles (app-bundle.ts makes them), and where a
 * test run's bundle of an entry is (test-bundles.ts). Kept free of heavy imports: the process
 * harness asks it on every start.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Entry points per app, relative to apps/<app>; each lands flat in the bundle as <name>.js. */
export const BUNDLE_ENTRIES: Record<string, string[]> = {
  broker: ["src/main.ts"],
  agent: ["src/cli.ts", "src/runtime/worker.ts"],
  console: ["src/cli/main.ts"],
};

/** Set (by the tests' global setup) to the folder of the current bundles; unset, entries run through tsx. */
export const TEST_BUNDLES_ENV = "EDGELENS_TEST_BUNDLES";

/** The bundled file for a TypeScript entry point (absolute, or relative to `cwd`), when the run has bundles. */
export function bundledEntry(entry: string, cwd: string = process.cwd()): string | null {
  const dir = process.env[TEST_BUNDLES_ENV];
  if (!dir || dir === "off") return null;
  const path = resolve(cwd, entry);
  for (const [app, entries] of Object.entries(BUNDLE_ENTRIES)) {
    for (const e of entries) {
      if (path !== join(repoRoot, "apps", app, e)) continue;
      const base = e.split("/").pop() ?? e;
      return join(dir, app, base.replace(/\.ts$/, ".js"));
    }
  }
  return null;
}
