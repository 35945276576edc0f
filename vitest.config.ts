import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The suites that run a whole stack (broker + console + agent + Chromium) need most of both cores
 * for a minute or more; beside the package suites they starve and time out. They run after
 * everything else (`sequence.groupOrder`, vitest >= 3.2), two files at a time: since they start
 * the console from the run's one production build instead of a cold `next dev` each, two of them
 * keep both cores busy where one alone waited on video time and timers.
 */
const WHOLE_STACK: Record<string, string[]> = {
  console: ["test/e2e-console.test.ts", "test/first-admin.test.ts", "test/e2e-rollout.test.ts"],
  tooling: ["test/whole-loop.test.ts", "test/stack-launcher.test.ts"],
};

// One project per package (plus `<package>-e2e` for its whole-stack suites); each package's
// `pnpm test` runs its own projects from here.
const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  test: {
    name,
    root,
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(WHOLE_STACK[name] ?? [])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores, 3 lanes: many suites wait on video played in real time (clips, cameras, soaks) and
    // left a third of both cores idle with 2 lanes; heavy suites (onnxruntime, ffmpeg) still contend.
    maxWorkers: 3,
    ...extra,
  },
});

const wholeStack = (name: string, root: string, order: number, extra: Record<string, unknown> = {}) =>
  project(`${name}-e2e`, root, { include: WHOLE_STACK[name], exclude: ["**/node_modules/**"], maxWorkers: 2, sequence: { groupOrder: order }, ...extra });

// The suites that start brokers, agents or the `edgelens` CLI as children run them from production
// bundles made once per source state before the first suite (tooling/src/test-bundles.ts).
const bundles = fileURLToPath(new URL("./tooling/src/test-bundles.ts", import.meta.url));
const childBundles = { globalSetup: [bundles] };
// The console suites also start `next start` of one production build, made once per run (once
// per source state: a hash of the sources names the build folder) before the first suite.
const consoleBuild = { globalSetup: [bundles, "test/support/global-build.ts"] };

export default defineConfig({
  test: {
    maxWorkers: 3,
    projects: [
      // In-process suites (no servers of their own, no global state): one worker runs many files
      // without a fresh module graph each; vision's files then load onnxruntime and the models
      // once per worker instead of once per file (64 -> 36 s of CPU for that project).
      project("shared", "packages/shared", { isolate: false }),
      project("db", "packages/db", { isolate: false }),
      project("vision", "packages/vision", { isolate: false }),
      project("broker", "apps/broker", childBundles),
      project("agent", "apps/agent", childBundles),
      project("console", "apps/console", consoleBuild),
      project("tooling", "tooling", childBundles),
      wholeStack("tooling", "tooling", 1, childBundles),
      // Same group as tooling-e2e: vitest runs one group's files in one pool (projects of a group
      // must agree on maxWorkers), so the two whole-stack projects share its two lanes.
      wholeStack("console", "apps/console", 1, consoleBuild),
    ],
  },
});
