/**
 * The tests' child processes (brokers, agents, `edgelens` CLI runs) start from production bundles
 * (app-bundle.ts) made once per source state, not from TypeScript through tsx: tsx's loader
 * thread cost ~1.3 s of CPU per start (a bundled `edgelens device list`: 0.8 s of CPU, through
 * tsx 2.1 s), and a run starts some hundreds of them on 2 cores (issue 12.5). It also means the
 * suites exercise what production runs. Entry points still started through tsx: the README's
 * commands (`pnpm dev`, `pnpm -s agent`), which their own suites run as a user does.
 */
import { join } from "node:path";
import { bundleApp } from "./app-bundle";
import { ensureBuilt, sourceHash } from "./build-cache";
import { BUNDLE_ENTRIES, repoRoot, TEST_BUNDLES_ENV } from "./bundle-entries";

export { TEST_BUNDLES_ENV };

/** Everything a bundle inlines or links: app and package sources, migrations, the bundler, the lockfile. */
const SOURCES = ["apps/broker/src", "apps/agent/src", "apps/console/src", "packages/shared/src", "packages/db/src", "packages/db/drizzle", "packages/vision/src", "tooling/src/app-bundle.ts", "pnpm-lock.yaml"];

/** Builds (or waits for) the bundles of the current sources; resolves with their folder. */
export async function ensureTestBundles(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const dir = join(repoRoot, ".cache/test-bundles", `bundles-${sourceHash(repoRoot, SOURCES)}`);
  await ensureBuilt({
    dir,
    prefix: "bundles-",
    what: "test bundles",
    timeoutMs: 300_000,
    log,
    async build(out) {
      const started = Date.now();
      await Promise.all(Object.keys(BUNDLE_ENTRIES).map((app) => bundleApp(app, join(out, app), "warning")));
      log(`test bundles: ${Object.keys(BUNDLE_ENTRIES).join(", ")} bundled in ${Date.now() - started} ms into ${out}`);
    },
  });
  return dir;
}

/**
 * Vitest global setup of the projects that start children: bundles first, then the run's workers
 * inherit where they are. `EDGELENS_TEST_BUNDLES=off` runs the children through tsx instead.
 */
export default async function setup(): Promise<void> {
  if (process.env[TEST_BUNDLES_ENV] === "off") return;
  process.env[TEST_BUNDLES_ENV] = await ensureTestBundles();
}
