import { defineConfig } from "vitest/config";

// One project per package; each package's `pnpm test` runs its own project from here.
const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  test: {
    name,
    root,
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    // 2 cores: heavy suites (onnxruntime, ffmpeg, Chromium) contend; keep the fan-out small.
    maxWorkers: 2,
    projects: [
      project("shared", "packages/shared"),
      project("db", "packages/db"),
      project("vision", "packages/vision"),
      project("broker", "apps/broker"),
      project("agent", "apps/agent"),
      project("console", "apps/console"),
      project("tooling", "tooling"),
    ],
  },
});
